import type { ImageHistoryRow } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { readImageConfig } from "./image-config.js";
import { findImage, listImageTags } from "./image-lookup.js";

/**
 * docker history: one row per config history entry, newest first. The top row carries the image's
 * own ID, each row below the next ancestor's ID while the parent chain is stored, then <missing>.
 */
export async function imageHistory(ctx: EngineContext, text: string): Promise<ImageHistoryRow[]> {
  const image = await findImage(ctx, text);
  const config = await readImageConfig(ctx, image.id);
  const layers = await ctx.client.imageLayer.findMany({
    where: { nodeId: ctx.nodeId, imageId: image.id },
    orderBy: { position: "asc" },
    select: { layer: { select: { size: true } } },
  });
  let layerIndex = 0;
  const rows: ImageHistoryRow[] = (config.history ?? []).map((entry) => {
    const emptyLayer = entry.empty_layer === true;
    const size = emptyLayer ? 0 : Number(layers[layerIndex++]?.layer.size ?? 0);
    return {
      id: "<missing>",
      created: new Date(entry.created ?? 0),
      createdBy: entry.created_by ?? "",
      tags: [],
      size,
      comment: entry.comment ?? "",
      emptyLayer,
    };
  });
  rows.reverse();
  let current: { id: string; parentId: string | null } | null = image;
  for (const row of rows) {
    if (!current) break;
    row.id = current.id;
    row.tags = await listImageTags(ctx, current.id);
    current = current.parentId
      ? await ctx.client.image.findUnique({
          where: { nodeId_id: { nodeId: ctx.nodeId, id: current.parentId } },
          select: { id: true, parentId: true },
        })
      : null;
  }
  return rows;
}
