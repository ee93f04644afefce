import { open, rm } from "node:fs/promises";
import { BerthError, chainIds, parseImageConfig, parseReference, type ByteSource, type ImageConfig, type ImageLoadOptions, type ImageLoadResult } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { countBytes, openByteSource } from "../images/byte-source.js";
import { registerImage } from "../images/image-register.js";
import { commitLayerChain, discardStagedLayers, stageLayer, syncStagedLayers, type ChainLayer, type StagedLayer } from "../images/layer-store.js";
import { imageStoreLock } from "../images/store-lock.js";
import { detectCompression, openDecompressed } from "../layers/decompress.js";
import { withLock } from "../storage/lock.js";
import { createStagingDir, sweepStaging } from "../storage/staging.js";
import { readArchiveFile } from "./archive-file-read.js";
import { indexArchiveFile, invalidArchive, readArchiveBytes, unpackArchiveStream, type ArchiveFile, type ArchiveIndex } from "./archive-index.js";
import { readArchiveImages, type ArchiveImage } from "./archive-manifest.js";

/**
 * docker load: index the archive (in place when it is a plain file, else unpacked into
 * staging), verify every config and layer against its digest while extracting the layers not
 * stored yet straight from the archive, then make everything visible under the store lock.
 * Until that last step nothing is visible, so a kill at any moment leaves only staging for the
 * next sweep.
 */
export async function loadImages(ctx: EngineContext, source: ByteSource, options: ImageLoadOptions = {}): Promise<ImageLoadResult> {
  await sweepStaging(ctx.paths.root);
  const dir = await createStagingDir(ctx.paths.root, "load");
  const staged = new Map<string, StagedLayer>();
  try {
    const archive = await openArchive(source, dir, options);
    const images = await readArchiveImages(archive.index);
    if (images.length === 0) throw invalidArchive("it holds no image");
    const prepared: PreparedImage[] = [];
    for (const image of images) prepared.push(await prepareImage(ctx, image, staged, archive.read));
    await removeStagedArchiveLayers(prepared, dir);
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

interface OpenedArchive {
  index: ArchiveIndex;
  /** Streams a layer's bytes, reporting progress when they are read from the source itself. */
  read(file: ArchiveFile): AsyncIterable<Uint8Array>;
}

/**
 * A plain archive file is read where it is: its headers indexed, each layer later streamed from
 * its place (one pass over the bytes, nothing copied). Anything else (stdin, a compressed
 * archive) is unpacked into `dir` first.
 */
async function openArchive(source: ByteSource, dir: string, options: ImageLoadOptions): Promise<OpenedArchive> {
  const report = (total?: number) => (current: number) => options.onProgress?.({ phase: "Loading", current, ...(total ? { total } : {}) });
  if (source.kind === "file") {
    const total = await plainFileSize(source.path);
    if (total !== undefined) {
      const progress = report(total);
      let consumed = 0;
      return {
        index: await indexArchiveFile(source.path),
        read(file) {
          const base = consumed;
          consumed += file.size;
          return countBytes(readArchiveFile(file), (count) => progress(base + count));
        },
      };
    }
  }
  const opened = await openByteSource(source);
  const index = await unpackArchiveStream((await openDecompressed(countBytes(opened.stream, report(opened.total)))).stream, dir);
  return { index, read: readArchiveFile };
}

/** The size of a regular file that is not compressed, else undefined. */
async function plainFileSize(path: string): Promise<number | undefined> {
  const handle = await open(path, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined;
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(8), 0, 8, 0);
    return detectCompression(buffer.subarray(0, bytesRead)) === "none" ? info.size : undefined;
  } finally {
    await handle.close();
  }
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
 * The unpacked copies of layers already staged are of no more use (a staged layer keeps a split
 * record, or a copy of its own): removed before the syncfs, they never go to the disk. Only
 * files unpacked into `dir` are removed, never the archive a plain file load reads in place.
 */
async function removeStagedArchiveLayers(prepared: PreparedImage[], dir: string): Promise<void> {
  const files = prepared.flatMap((image) => image.layerFiles).filter((file) => file.path.startsWith(`${dir}/`));
  const needed = new Set(files.filter((file) => file.isNeeded).map((file) => file.path));
  await Promise.all([...new Set(files.map((file) => file.path))].filter((path) => !needed.has(path)).map((path) => rm(path, { force: true })));
}

/** Verify one image of the archive and stage the layers not stored yet (shared chains staged once). */
async function prepareImage(
  ctx: EngineContext,
  image: ArchiveImage,
  staged: Map<string, StagedLayer>,
  read: OpenedArchive["read"],
): Promise<PreparedImage> {
  const configBytes = new Uint8Array(await readArchiveBytes(image.config));
  const config = parseImageConfig(configBytes);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== image.layers.length) {
    throw invalidArchive(`layers length mismatch: the config names ${diffIds.length}, the manifest ${image.layers.length}`);
  }
  const ids = chainIds(diffIds);
  const chain: ChainLayer[] = [];
  const layerFiles: PreparedImage["layerFiles"] = [];
  for (const [index, file] of image.layers.entries()) {
    const diffId = diffIds[index]!;
    const chainId = ids[index]!;
    const stage = async () => {
      const opened = await openDecompressed(read(file));
      const layer = await stageLayer(ctx, opened.stream, opened.compression === "none" ? { tarFile: file } : {});
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
      layerFiles.push({ path: file.path, isNeeded: !already });
      continue;
    }
    chain.push({ diffId, staged: await stage() });
    layerFiles.push({ path: file.path, isNeeded: false });
  }
  return { configBytes, config, chain, tags: image.tags, layerFiles, ...(image.parentId ? { parentId: image.parentId } : {}) };
}
