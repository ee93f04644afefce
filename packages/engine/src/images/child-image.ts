import {
  EMPTY_LAYER_DIFF_ID,
  formatRfc3339Nano,
  serializeImageConfig,
  type ContainerConfig,
  type HistoryEntry,
  type ImageConfig,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";
import { readImageConfig } from "./image-config.js";
import { registerImage } from "./image-register.js";
import {
  commitLayerChain, discardStagedLayers, syncStagedLayers, type ChainLayer, type StagedLayer,
} from "./layer-store.js";
import { goArchitecture } from "./platform.js";
import { stageUpperDir, stageUpperDirByMove } from "./upper-layer.js";
import { imageStoreLock } from "./store-lock.js";

/** A new image on top of a stored one (commit, a build step), docker's NewChildImage. */
export interface ChildImageSpec {
  /** The parent image; undefined for a first step on `scratch`. */
  parentId?: string;
  /** The new image's `config`. */
  config: ContainerConfig;
  /** docker's `container_config`: what made the image (the classic builder's cache key). */
  containerConfig: ContainerConfig;
  /** The container the layer came from, when there is one. */
  containerId?: string;
  author?: string;
  comment?: string;
  /** The history row's CREATED BY text. */
  createdBy: string;
  /** An overlay upper dir to turn into the new layer; without one the step is metadata only. */
  upperDir?: string;
  /** The upper dir is the caller's to give away (its container goes next): moved into the layer, not copied. */
  moveUpperDir?: boolean;
  /** Canonical names to point at the new image. */
  tags?: string[];
  /** Event action: "commit", "build"… */
  action: string;
}

/** Bytes of content the new layer adds (0 for an empty layer). */
export interface ChildImage {
  id: string;
  size: number;
}

/**
 * The parent's config plus one history row and, when the upper dir holds anything, one layer
 * (an empty diff adds an `empty_layer` row only, as docker does). The layer goes through the same
 * staging, chain commit and registration as import and load.
 */
export async function createChildImage(ctx: EngineContext, spec: ChildImageSpec): Promise<ChildImage> {
  const parent = spec.parentId ? await readImageConfig(ctx, spec.parentId) : undefined;
  const parentLayers = spec.parentId ? await storedLayers(ctx, spec.parentId) : [];
  const upperDir = spec.upperDir;
  const staged = upperDir === undefined ? undefined : ((spec.moveUpperDir ? await stageUpperDirByMove(ctx, upperDir) : undefined) ?? (await stageUpperDir(ctx, upperDir)));
  try {
    const layer = staged?.diffId === EMPTY_LAYER_DIFF_ID ? undefined : staged;
    const created = formatRfc3339Nano(new Date());
    const history: HistoryEntry = {
      created,
      ...(spec.author ? { author: spec.author } : {}),
      created_by: spec.createdBy,
      ...(spec.comment ? { comment: spec.comment } : {}),
      ...(layer ? {} : { empty_layer: true }),
    };
    const config: ImageConfig = {
      architecture: parent?.architecture ?? goArchitecture(),
      os: parent?.os ?? "linux",
      ...(parent?.variant ? { variant: parent.variant } : {}),
      created,
      ...(spec.author ? { author: spec.author } : {}),
      ...(spec.comment ? { comment: spec.comment } : {}),
      ...(spec.containerId ? { container: spec.containerId } : {}),
      container_config: spec.containerConfig,
      config: spec.config,
      rootfs: { type: "layers", diff_ids: [...(parent?.rootfs.diff_ids ?? []), ...(layer ? [layer.diffId] : [])] },
      history: [...(parent?.history ?? []), history],
    };
    const configBytes = serializeImageConfig(config);
    await syncStagedLayers(ctx, [layer]);
    const chain: ChainLayer[] = [...parentLayers, ...(layer ? [{ diffId: layer.diffId, staged: layer }] : [])];
    const id = await withLock(ctx.paths.locks, imageStoreLock, async () => {
      const layers = await commitLayerChain(ctx, chain);
      const registered = await registerImage(ctx, {
        configBytes,
        config,
        layers,
        parentId: spec.parentId ?? null,
        tags: spec.tags ?? [],
        action: spec.action,
      });
      return registered.id;
    });
    return { id, size: layer?.size ?? 0 };
  } finally {
    await discardStagedLayers([staged]);
  }
}

async function storedLayers(ctx: EngineContext, imageId: string): Promise<ChainLayer[]> {
  const rows = await ctx.client.imageLayer.findMany({
    where: { nodeId: ctx.nodeId, imageId },
    orderBy: { position: "asc" },
    select: { layer: { select: { diffId: true } } },
  });
  return rows.map((row) => ({ diffId: row.layer.diffId }));
}
