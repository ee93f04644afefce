import type { EngineContext } from "../engine-context.js";
import { removeLayerDir } from "../layers/layer-dirs.js";

export interface UnusedLayer {
  chainId: string;
  diffId: string;
  size: bigint;
}

/**
 * Layers no image and no container uses. Under the image store lock these are garbage, never work
 * in progress: a load or import commits its layers and registers its image in one locked section
 * (and a container's row is written under the same lock), so such a row is what an rmi leaves
 * (collected at once) or a process killed in that section left. A container keeps its image's
 * whole chain, from its top layer down, even once the image is deleted (`rmi -f`).
 */
export async function findUnusedLayers(ctx: EngineContext): Promise<UnusedLayer[]> {
  const candidates = await ctx.client.layer.findMany({
    where: { nodeId: ctx.nodeId, images: { none: {} } },
    select: { chainId: true, diffId: true, size: true, parentChainId: true },
  });
  if (candidates.length === 0) return [];
  const byChainId = new Map(candidates.map((layer) => [layer.chainId, layer]));
  const tops = await ctx.client.container.findMany({ where: { nodeId: ctx.nodeId, topChainId: { in: [...byChainId.keys()] } }, distinct: ["topChainId"], select: { topChainId: true } });
  // A layer no image uses has parents no image uses only up to the first shared one: walk the candidates.
  const kept = new Set<string>();
  for (let pending = tops.map((top) => top.topChainId); pending.length > 0; ) {
    const chainId = pending.pop();
    if (chainId === null || chainId === undefined || kept.has(chainId) || !byChainId.has(chainId)) continue;
    kept.add(chainId);
    pending.push(byChainId.get(chainId)!.parentChainId);
  }
  return candidates.filter((layer) => !kept.has(layer.chainId)).map(({ parentChainId: _parent, ...layer }) => layer);
}

/**
 * Remove one unused layer: the row first (so nothing can pick the layer up), then the directory,
 * its link and its tar blob unless another chain shares that diff. Call under the image store
 * lock. Returns the bytes freed.
 */
export async function removeUnusedLayer(ctx: EngineContext, layer: UnusedLayer): Promise<number> {
  const { nodeId } = ctx;
  await ctx.client.layer.delete({ where: { nodeId_chainId: { nodeId, chainId: layer.chainId } } });
  await removeLayerDir(ctx.paths.root, layer.chainId);
  const sharedTar = await ctx.client.layer.count({ where: { nodeId, diffId: layer.diffId } });
  if (sharedTar === 0) await ctx.blobs.deleteBlob(layer.diffId);
  return Number(layer.size);
}

/** Remove every layer no image uses any more. Call under the image store lock. Returns the bytes freed. */
export async function collectUnusedLayers(ctx: EngineContext): Promise<number> {
  let freed = 0;
  for (const layer of await findUnusedLayers(ctx)) freed += await removeUnusedLayer(ctx, layer);
  return freed;
}
