import type { DiskUsage } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { listAllImages } from "./list-images.js";

/**
 * system df for images: each image's size, the part it shares with other images, the rest, and
 * how many containers use it.
 */
export async function imageDiskUsage(ctx: EngineContext): Promise<Pick<DiskUsage, "images" | "layersSize">> {
  const [images, links, layers, containers] = await Promise.all([
    listAllImages(ctx),
    ctx.client.imageLayer.findMany({ where: { nodeId: ctx.nodeId }, select: { imageId: true, chainId: true } }),
    ctx.client.layer.findMany({ where: { nodeId: ctx.nodeId }, select: { chainId: true, size: true } }),
    ctx.client.container.findMany({ where: { nodeId: ctx.nodeId }, select: { imageId: true } }),
  ]);
  const containersOfImage = new Map<string, number>();
  for (const { imageId } of containers) containersOfImage.set(imageId, (containersOfImage.get(imageId) ?? 0) + 1);
  const layerSize = new Map(layers.map((layer) => [layer.chainId, Number(layer.size)]));
  const usersOfLayer = new Map<string, number>();
  const layersOfImage = new Map<string, string[]>();
  for (const link of links) {
    usersOfLayer.set(link.chainId, (usersOfLayer.get(link.chainId) ?? 0) + 1);
    const own = layersOfImage.get(link.imageId) ?? [];
    own.push(link.chainId);
    layersOfImage.set(link.imageId, own);
  }
  return {
    images: images.map((image) => {
      const sharedSize = (layersOfImage.get(image.id) ?? [])
        .filter((chainId) => (usersOfLayer.get(chainId) ?? 0) > 1)
        .reduce((sum, chainId) => sum + (layerSize.get(chainId) ?? 0), 0);
      return {
        id: image.id,
        repoTags: image.repoTags,
        created: image.created,
        size: image.size,
        sharedSize,
        uniqueSize: image.size - sharedSize,
        containers: containersOfImage.get(image.id) ?? 0,
      };
    }),
    layersSize: [...layerSize.values()].reduce((sum, size) => sum + size, 0),
  };
}
