import type { EngineContext } from "../engine-context.js";
import { removeLayerDir } from "../layers/layer-dirs.js";

/**
 * Remove layers no image uses any more: the row first (so nothing can pick the layer up), then
 * the directory, its link and its tar blob unless another chain shares that diff. Call under the
 * image store lock. Returns the bytes freed.
 */
export async function collectUnusedLayers(ctx: EngineContext): Promise<number> {
  const { nodeId } = ctx;
  const unused = await ctx.client.layer.findMany({
    where: { nodeId, images: { none: {} } },
    select: { chainId: true, diffId: true, size: true },
  });
  let freed = 0;
  for (const layer of unused) {
    await ctx.client.layer.delete({ where: { nodeId_chainId: { nodeId, chainId: layer.chainId } } });
    await removeLayerDir(ctx.paths.root, layer.chainId);
    const sharedTar = await ctx.client.layer.count({ where: { nodeId, diffId: layer.diffId } });
    if (sharedTar === 0) await ctx.blobs.deleteBlob(layer.diffId);
    freed += Number(layer.size);
  }
  return freed;
}
