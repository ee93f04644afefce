import type { ImagePruneResult, ImageRemoveResult } from "@berth/core";
import { parseReference } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";
import { collectUnusedLayers } from "./layer-gc.js";
import { deleteImageAndParents } from "./remove-image.js";
import { imageStoreLock } from "./store-lock.js";

/** image prune: dangling images (untagged, childless); with all, every image without children, tags and all. Images containers use stay. */
export async function pruneImages(ctx: EngineContext, options: { all?: boolean } = {}): Promise<ImagePruneResult> {
  return withLock(ctx.paths.locks, imageStoreLock, async () => {
    const results: ImageRemoveResult[] = [];
    const used = await ctx.client.container.findMany({ where: { nodeId: ctx.nodeId }, distinct: ["imageId"], select: { imageId: true } });
    for (;;) {
      const candidates = await ctx.client.image.findMany({
        where: {
          nodeId: ctx.nodeId, children: { none: {} }, id: { notIn: used.map((row) => row.imageId) },
          ...(options.all ? {} : { tags: { none: {} } }),
        },
        include: { tags: { select: { name: true } } },
      });
      if (candidates.length === 0) break;
      for (const { tags, ...image } of candidates) {
        if (tags.length > 0) {
          await ctx.client.$transaction(async (tx) => {
            await tx.tag.deleteMany({ where: { nodeId: ctx.nodeId, imageId: image.id } });
            for (const tag of tags) {
              const name = parseReference(tag.name).familiar;
              await ctx.events.record({ type: "image", action: "untag", objectId: image.id, attributes: { name } }, tx);
              results.push({ untagged: name });
            }
          });
        }
        results.push(...(await deleteImageAndParents(ctx, image, false)));
      }
    }
    const spaceReclaimed = await collectUnusedLayers(ctx);
    if (results.length > 0) await ctx.events.record({ type: "image", action: "prune", objectId: "", attributes: { reclaimed: String(spaceReclaimed) } });
    return { results, spaceReclaimed };
  });
}
