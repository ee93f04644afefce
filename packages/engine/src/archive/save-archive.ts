import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import tarStream from "tar-stream";
import { digestHex, type ImageSaveOptions } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { readImageConfig } from "../images/image-config.js";
import { planSaveArchive, type SavedImage } from "./save-plan.js";
import { resolveSaveTargets } from "./save-targets.js";

const fixedMtime = new Date(0);

/**
 * docker save in the layout Docker 25+ writes: an OCI image layout (blobs/sha256, index.json,
 * oci-layout) plus manifest.json and repositories pointing into blobs/, each blob once. Docker
 * 20.10 loads it through manifest.json. Entry order and mtimes are fixed, so the bytes only
 * depend on the images.
 */
export async function* saveImages(
  ctx: EngineContext,
  references: string[],
  options: ImageSaveOptions = {},
): AsyncIterable<Uint8Array> {
  const targets = await resolveSaveTargets(ctx, references);
  const images: SavedImage[] = [];
  for (const target of targets) {
    const config = await readImageConfig(ctx, target.id);
    const configBytes = await ctx.blobs.readBlobBytes(target.id);
    const layers = [];
    for (const diffId of config.rootfs.diff_ids) {
      layers.push({ diffId, size: (await stat(ctx.blobs.blobPath(diffId))).size });
    }
    images.push({ id: target.id, configSize: configBytes.byteLength, layers, tags: target.tags });
  }
  const plan = planSaveArchive(images);
  const total = plan.blobs.reduce((sum, blob) => sum + blob.size, 0);
  const pack = tarStream.pack();
  let written = 0;
  const feeding = (async () => {
    await addDir(pack, "blobs/");
    await addDir(pack, "blobs/sha256/");
    for (const blob of plan.blobs) {
      const name = `blobs/sha256/${digestHex(blob.digest)}`;
      if (blob.bytes) {
        await addFile(pack, name, blob.bytes);
      } else {
        await addFileFromDisk(pack, name, ctx.blobs.blobPath(blob.digest), blob.size, (count) => {
          written += count;
          options.onProgress?.({ phase: "Saving", current: written, total });
        });
      }
    }
    for (const [name, bytes] of plan.files) await addFile(pack, name, bytes);
    pack.finalize();
  })();
  feeding.catch((error: unknown) => pack.destroy(error as Error));
  for await (const chunk of pack as AsyncIterable<Uint8Array>) yield chunk;
  await feeding;
  await ctx.events.record({ type: "image", action: "save", objectId: targets.map((t) => t.id).join(","), attributes: {} });
}

function addDir(pack: tarStream.Pack, name: string): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, type: "directory", mode: 0o755, mtime: fixedMtime }, (error) => (error ? reject(error) : resolve())),
  );
}

function addFile(pack: tarStream.Pack, name: string, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    pack.entry({ name, mode: 0o644, mtime: fixedMtime }, Buffer.from(bytes), (error) => (error ? reject(error) : resolve())),
  );
}

async function addFileFromDisk(
  pack: tarStream.Pack,
  name: string,
  path: string,
  size: number,
  onBytes: (count: number) => void,
): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name, size, mode: 0o644, mtime: fixedMtime }, (error) => (error ? reject(error) : resolve()));
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    source.on("data", (chunk) => onBytes(chunk.length));
    source.on("error", reject);
    source.pipe(entry);
  });
}
