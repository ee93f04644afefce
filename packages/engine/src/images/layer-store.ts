import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { BerthError, chainIds } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { applyLayerTar } from "../layers/tar-apply.js";
import { createLayerLink, layerDiffDir, layerDir } from "../layers/layer-dirs.js";
import { SplitRecorder } from "../layers/tar-split.js";
import { openSplitTar, type LayerTar } from "../layers/tar-split-assemble.js";
import { formatSha256 } from "../storage/sha256.js";
import { commitStaged, createStagingDir, pathExists, syncFilesystem } from "../storage/staging.js";

/** A split record in a layer's dir (tar-split.ts): its tar is reassembled from it and diff/. */
export const SPLIT_NAME = "tar-split";

/** A layer extracted into staging (diff/ plus its tar as layer.tar or tar-split), not yet visible. */
export interface StagedLayer {
  diffId: string;
  /** Bytes of extracted content, docker's layer size (the tar itself is bigger). */
  size: number;
  stagingDir: string;
}

/** One layer of a chain to commit: staged, or expected stored (then `restage` can bring it back). */
export interface ChainLayer {
  diffId: string;
  staged?: StagedLayer;
  restage?: () => Promise<StagedLayer>;
}

export interface StoredLayer {
  chainId: string;
  diffId: string;
  size: number;
}

/** Where an uncompressed layer tar lies: `size` bytes at `offset` of `path` (an image archive). */
export interface TarFileRange {
  path: string;
  offset: number;
  size: number;
}

/**
 * Extract an uncompressed layer tar into a fresh staging dir, keeping what save needs to write
 * the exact tar bytes back (so diff_ids and image IDs survive a save/load round trip). When the
 * bytes already sit in a file (an image archive), give where as tarFile: the layer then keeps
 * only a split record beside diff/ (tar-split.ts), or, when the tar replaces its own content
 * (the record cannot serve), a copy of those bytes as layer.tar. A stream is copied to
 * layer.tar as it is extracted.
 */
export async function stageLayer(
  ctx: EngineContext,
  tar: AsyncIterable<Uint8Array>,
  options: { tarFile?: TarFileRange } = {},
): Promise<StagedLayer> {
  const stagingDir = await createStagingDir(ctx.paths.root, "layer");
  try {
    await mkdir(join(stagingDir, "diff"), { mode: 0o755 });
    const tarPath = join(stagingDir, "layer.tar");
    if (options.tarFile) {
      const split = new SplitRecorder(join(stagingDir, SPLIT_NAME), join(stagingDir, "diff"));
      let result;
      try {
        result = await applyLayerTar(tar, join(stagingDir, "diff"), { split });
        split.finish();
      } catch (error) {
        split.close();
        throw error;
      }
      if (split.isAbandoned) {
        await rm(join(stagingDir, SPLIT_NAME));
        await copyTarFile(options.tarFile, tarPath, result.diffId);
      }
      return { diffId: result.diffId, size: result.contentSize, stagingDir };
    }
    const tarCopy = createWriteStream(tarPath);
    const result = await applyLayerTar(teeToFile(tar, tarCopy), join(stagingDir, "diff"));
    await new Promise<void>((resolve, reject) => tarCopy.end((error?: Error | null) => (error ? reject(error) : resolve())));
    return { diffId: result.diffId, size: result.contentSize, stagingDir };
  } catch (error) {
    await rm(stagingDir, { recursive: true, force: true });
    throw error;
  }
}

/** The rare abandoned record: the tar is copied out of the archive, checked against what was applied. */
async function copyTarFile(file: TarFileRange, target: string, diffId: string): Promise<void> {
  const hash = createHash("sha256");
  const source = createReadStream(file.path, { start: file.offset, end: file.offset + file.size - 1, highWaterMark: 1 << 20 });
  const hashed = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      hash.update(chunk);
      yield chunk;
    }
  };
  await pipeline(source, hashed, createWriteStream(target, { flags: "wx" }));
  if (formatSha256(hash) !== diffId) throw new BerthError("DATA_CORRUPTED", `layer ${diffId} changed in its archive while it was loaded`);
}

async function* teeToFile(source: AsyncIterable<Uint8Array>, file: NodeJS.WritableStream): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    if (!file.write(chunk)) await new Promise((resolve) => file.once("drain", resolve));
    yield chunk;
  }
}

/**
 * Flush staged layers to disk before they are committed: one syncfs for all of them, done
 * outside the store lock so other processes never wait for the disk.
 */
export async function syncStagedLayers(ctx: EngineContext, layers: (StagedLayer | undefined)[]): Promise<void> {
  if (layers.some((layer) => layer !== undefined)) await syncFilesystem(ctx.paths.tmp);
}

export async function discardStagedLayers(layers: (StagedLayer | undefined)[]): Promise<void> {
  await Promise.all(layers.map((layer) => layer && rm(layer.stagingDir, { recursive: true, force: true })));
}

/**
 * Make a chain of layers visible, base first. Call under the image store lock, after
 * syncStagedLayers. A layer whose
 * chain is already stored keeps the stored copy and its staged copy is dropped; the others are
 * renamed into layers/<chain>, their tar into blobs/, then a short link, and the row goes last.
 * A layer that was stored when the caller chose not to stage it may have been removed meanwhile
 * (rmi, prune in another process): it is staged now through `restage` when the caller can (still
 * under the lock, a rare path), else that is a CONFLICT: retry.
 */
export async function commitLayerChain(
  ctx: EngineContext,
  chain: ChainLayer[],
): Promise<StoredLayer[]> {
  const ids = chainIds(chain.map((layer) => layer.diffId));
  const stored: StoredLayer[] = [];
  for (const [index, layer] of chain.entries()) {
    const chainId = ids[index]!;
    const existing = await ctx.client.layer.findUnique({
      where: { nodeId_chainId: { nodeId: ctx.nodeId, chainId } },
      select: { size: true },
    });
    if (existing) {
      stored.push({ chainId, diffId: layer.diffId, size: Number(existing.size) });
      continue;
    }
    if (!layer.staged && layer.restage) {
      layer.staged = await layer.restage();
      await syncStagedLayers(ctx, [layer.staged]);
    }
    if (!layer.staged) throw new BerthError("CONFLICT", `layer ${chainId} was removed while it was being used; retry`);
    await moveStagedLayer(ctx, chainId, layer.staged);
    const link = basename(await createLayerLink(ctx.paths.root, chainId));
    await ctx.client.layer.create({
      data: {
        nodeId: ctx.nodeId,
        chainId,
        diffId: layer.diffId,
        parentChainId: index === 0 ? null : ids[index - 1]!,
        size: BigInt(layer.staged.size),
        link,
      },
    });
    stored.push({ chainId, diffId: layer.diffId, size: layer.staged.size });
  }
  return stored;
}

async function moveStagedLayer(ctx: EngineContext, chainId: string, staged: StagedLayer): Promise<void> {
  const target = layerDir(ctx.paths.root, chainId);
  // A directory left by a crash between rename and row is complete (renamed only when whole): replace it.
  await rm(target, { recursive: true, force: true });
  await commitStaged(staged.stagingDir, target, { isSynced: true });
  const tar = join(target, "layer.tar");
  if (await pathExists(tar)) await commitStaged(tar, ctx.blobs.blobPath(staged.diffId), { isSynced: true });
}

/** A stored layer's exact tar: its tar blob, else reassembled from its split record. */
export async function openLayerTar(ctx: EngineContext, layer: { chainId: string; diffId: string }): Promise<LayerTar> {
  const split = join(layerDir(ctx.paths.root, layer.chainId), SPLIT_NAME);
  if (await pathExists(split)) return openSplitTar(split, layerDiffDir(ctx.paths.root, layer.chainId), layer.diffId);
  const { size } = await ctx.blobs.statBlob(layer.diffId);
  return {
    size,
    async writeTo(output) {
      const blob = await open(ctx.blobs.blobPath(layer.diffId), "r");
      try {
        if (!(await output.copyFile(blob.fd, size))) throw new BerthError("DATA_CORRUPTED", `layer blob ${layer.diffId} got shorter while it was saved`);
      } finally {
        await blob.close();
      }
    },
  };
}

/** Whether save can write a stored layer's tar: a split record or a tar blob is there. */
export async function hasLayerTar(ctx: EngineContext, layer: { chainId: string; diffId: string }): Promise<boolean> {
  return (await pathExists(join(layerDir(ctx.paths.root, layer.chainId), SPLIT_NAME))) || pathExists(ctx.blobs.blobPath(layer.diffId));
}
