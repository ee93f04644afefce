import { createReadStream } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { BerthError, chainIds, parseImageConfig, parseReference, type ByteSource, type ImageConfig, type ImageLoadOptions, type ImageLoadResult } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { countBytes, openByteSource } from "../images/byte-source.js";
import { registerImage } from "../images/image-register.js";
import { commitLayerChain, discardStagedLayers, stageLayer, syncStagedLayers, type ChainLayer, type StagedLayer } from "../images/layer-store.js";
import { imageStoreLock } from "../images/store-lock.js";
import { openDecompressed } from "../layers/decompress.js";
import { withLock } from "../storage/lock.js";
import { createStagingDir, sweepStaging } from "../storage/staging.js";
import { readArchiveImages, type ArchiveImage } from "./archive-manifest.js";
import { invalidArchive, unpackArchive } from "./archive-staging.js";

/**
 * docker load: unpack into staging, verify every config and layer against its digest, extract
 * the layers not stored yet, then make everything visible under the store lock. Until that last
 * step nothing is visible, so a kill at any moment leaves only staging for the next sweep.
 */
export async function loadImages(ctx: EngineContext, source: ByteSource, options: ImageLoadOptions = {}): Promise<ImageLoadResult> {
  await sweepStaging(ctx.paths.root);
  const opened = await openByteSource(source);
  const dir = await createStagingDir(ctx.paths.root, "load");
  const staged = new Map<string, StagedLayer>();
  try {
    const progress = (current: number) => options.onProgress?.({ phase: "Loading", current, ...(opened.total ? { total: opened.total } : {}) });
    await unpackArchive((await openDecompressed(countBytes(opened.stream, progress))).stream, dir);
    const images = await readArchiveImages(dir);
    if (images.length === 0) throw invalidArchive("it holds no image");
    const prepared: PreparedImage[] = [];
    for (const image of images) prepared.push(await prepareImage(ctx, image, staged));
    await removeStagedArchiveLayers(prepared);
    const result: ImageLoadResult = { messages: [], imageIds: [] };
    await syncStagedLayers(ctx, [...staged.values()]);
    await withLock(ctx.paths.locks, imageStoreLock, async () => {
      for (const image of prepared) {
        const layers = await commitLayerChain(ctx, image.chain);
        const parentId = image.parentId && (await imageExists(ctx, image.parentId)) ? image.parentId : null;
        const registered = await registerImage(ctx, {
          configBytes: image.configBytes,
          config: image.config,
          layers,
          parentId,
          tags: image.tags,
          action: "load",
        });
        for (const moved of registered.movedTags) {
          result.messages.push(`The image ${parseReference(moved.name).familiar} already exists, renaming the old one with ID ${moved.previousId} to empty string`);
        }
        result.imageIds.push(registered.id);
        if (image.tags.length === 0) result.messages.push(`Loaded image ID: ${registered.id}`);
        for (const tag of image.tags) result.messages.push(`Loaded image: ${parseReference(tag).familiar}`);
      }
    });
    return result;
  } finally {
    await discardStagedLayers([...staged.values()]);
    await rm(dir, { recursive: true, force: true });
  }
}

async function imageExists(ctx: EngineContext, id: string): Promise<boolean> {
  return (await ctx.client.image.count({ where: { nodeId: ctx.nodeId, id } })) > 0;
}

interface PreparedImage {
  configBytes: Uint8Array;
  config: ImageConfig;
  chain: ChainLayer[];
  tags: string[];
  parentId?: string;
  /** The archive's layer files, each with whether a restage may still read it. */
  layerFiles: { path: string; isNeeded: boolean }[];
}

/**
 * The archive's copies of layers already staged are of no more use (a staged layer keeps a split
 * record, or a hard link of its own): removed before the syncfs, they never go to the disk.
 */
async function removeStagedArchiveLayers(prepared: PreparedImage[]): Promise<void> {
  const files = prepared.flatMap((image) => image.layerFiles);
  const needed = new Set(files.filter((file) => file.isNeeded).map((file) => file.path));
  await Promise.all([...new Set(files.map((file) => file.path))].filter((path) => !needed.has(path)).map((path) => rm(path, { force: true })));
}

/** Verify one image of the archive and stage the layers not stored yet (shared chains staged once). */
async function prepareImage(ctx: EngineContext, image: ArchiveImage, staged: Map<string, StagedLayer>): Promise<PreparedImage> {
  const configBytes = new Uint8Array(await readFile(image.configPath));
  const config = parseImageConfig(configBytes);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== image.layerPaths.length) {
    throw invalidArchive(`layers length mismatch: the config names ${diffIds.length}, the manifest ${image.layerPaths.length}`);
  }
  const ids = chainIds(diffIds);
  const chain: ChainLayer[] = [];
  const layerFiles: PreparedImage["layerFiles"] = [];
  for (const [index, path] of image.layerPaths.entries()) {
    const diffId = diffIds[index]!;
    const chainId = ids[index]!;
    const stage = async () => {
      const opened = await openDecompressed(createReadStream(path, { highWaterMark: 1 << 20 }));
      const layer = await stageLayer(ctx, opened.stream, opened.compression === "none" ? { tarFile: path } : {});
      staged.set(chainId, layer);
      if (layer.diffId !== diffId) {
        throw new BerthError("DATA_CORRUPTED", `invalid diffID for layer ${index}: calculated ${layer.diffId}, expected ${diffId}`);
      }
      return layer;
    };
    const already = staged.get(chainId);
    if (already || (await ctx.client.layer.count({ where: { nodeId: ctx.nodeId, chainId } })) > 0) {
      // stored now, but an rmi elsewhere may remove it before the commit: then stage it after all
      chain.push({ diffId, ...(already ? { staged: already } : { restage: stage }) });
      layerFiles.push({ path, isNeeded: !already });
      continue;
    }
    chain.push({ diffId, staged: await stage() });
    layerFiles.push({ path, isNeeded: false });
  }
  return { configBytes, config, chain, tags: image.tags, layerFiles, ...(image.parentId ? { parentId: image.parentId } : {}) };
}
