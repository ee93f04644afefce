import { chainIds, digestHex, type ByteSink, type ImageSaveOptions } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { readImageConfig } from "../images/image-config.js";
import { openLayerTar } from "../images/layer-store.js";
import { BLOCK, encodeHeader } from "../layers/tar-format.js";
import { TarOutput } from "../layers/tar-output.js";
import type { LayerTar } from "../layers/tar-split-assemble.js";
import { padded, planSaveArchive, type SavedImage } from "./save-plan.js";
import { resolveSaveTargets } from "./save-targets.js";

/**
 * docker save in the layout Docker 25+ writes: an OCI image layout (blobs/sha256, index.json,
 * oci-layout) plus manifest.json and repositories pointing into blobs/, each blob once. Docker
 * 20.10 loads it through manifest.json. Entry order and mtimes are fixed, so the bytes only
 * depend on the images. Layer tars come from the store (tar blob or split record + diff dir)
 * straight into the output's buffer, behind headers written here.
 */
export async function saveImages(ctx: EngineContext, references: string[], sink: ByteSink, options: ImageSaveOptions = {}): Promise<void> {
  const targets = await resolveSaveTargets(ctx, references);
  const images: SavedImage[] = [];
  const layerTars = new Map<string, LayerTar>();
  for (const target of targets) {
    const config = await readImageConfig(ctx, target.id);
    const configBytes = await ctx.blobs.readBlobBytes(target.id);
    const diffIds = config.rootfs.diff_ids;
    const ids = chainIds(diffIds);
    const layers = [];
    for (const [index, diffId] of diffIds.entries()) {
      const tar = layerTars.get(diffId) ?? (await openLayerTar(ctx, { chainId: ids[index]!, diffId }));
      layerTars.set(diffId, tar);
      layers.push({ diffId, size: tar.size });
    }
    images.push({ id: target.id, configSize: configBytes.byteLength, layers, tags: target.tags });
  }
  const plan = planSaveArchive(images);
  const { onProgress } = options;
  const output = new TarOutput(sink, onProgress && ((current) => onProgress({ phase: "Saving", current, total: plan.size })));
  await output.write(header("blobs/", "dir", 0));
  await output.write(header("blobs/sha256/", "dir", 0));
  for (const blob of plan.blobs) {
    await output.write(header(`blobs/sha256/${digestHex(blob.digest)}`, "file", blob.size));
    const layer = layerTars.get(blob.digest);
    if (layer) await layer.writeTo(output);
    else await output.write(blob.bytes ?? (await ctx.blobs.readBlobBytes(blob.digest)));
    await output.write(padding(blob.size));
  }
  for (const [name, bytes] of plan.files) {
    await output.write(header(name, "file", bytes.length));
    await output.write(bytes);
    await output.write(padding(bytes.length));
  }
  await output.write(new Uint8Array(2 * BLOCK));
  await output.flush();
  await ctx.events.record({ type: "image", action: "save", objectId: targets.map((t) => t.id).join(","), attributes: {} });
}

function header(name: string, type: "dir" | "file", size: number): Uint8Array {
  return encodeHeader({ name: Buffer.from(name), mode: type === "dir" ? 0o755 : 0o644, uid: 0, gid: 0, size, mtime: 0, type });
}

function padding(size: number): Uint8Array {
  return new Uint8Array(padded(size) - size);
}
