import { sha256Digest, type ImageConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { pointTagAt } from "./image-tags.js";
import type { StoredLayer } from "./layer-store.js";

export interface NewImage {
  configBytes: Uint8Array;
  config: ImageConfig;
  layers: StoredLayer[];
  parentId?: string | null;
  /** Canonical names to point at the image (moved from another image if they were there). */
  tags?: string[];
  /** Event written for the image: "import", "load", "commit"… */
  action: string;
  attributes?: Record<string, string>;
}

export interface RegisteredImage {
  id: string;
  /** Tags that pointed at another image before, with that image's ID. */
  movedTags: { name: string; previousId: string }[];
}

/**
 * Write the config blob, then the rows that make the image visible, in one transaction. Call under
 * the image store lock, after commitLayerChain.
 */
export async function registerImage(ctx: EngineContext, image: NewImage): Promise<RegisteredImage> {
  const id = sha256Digest(image.configBytes);
  await ctx.blobs.writeBlobBytes(image.configBytes);
  const { nodeId } = ctx;
  const size = image.layers.reduce((sum, layer) => sum + layer.size, 0);
  const created = image.config.created ? new Date(image.config.created) : new Date(0);
  const labels = image.config.config?.Labels ?? {};
  const movedTags: RegisteredImage["movedTags"] = [];
  await ctx.client.$transaction(async (tx) => {
    const existing = await tx.image.findUnique({ where: { nodeId_id: { nodeId, id } }, select: { id: true } });
    if (!existing) {
      await tx.image.create({
        data: {
          nodeId,
          id,
          parentId: image.parentId ?? null,
          created: Number.isNaN(created.getTime()) ? new Date(0) : created,
          size: BigInt(size),
          architecture: image.config.architecture,
          os: image.config.os,
          author: image.config.author ?? "",
          comment: image.config.comment ?? "",
          labels: JSON.stringify(labels),
          topChainId: image.layers.at(-1)?.chainId ?? null,
          layers: {
            create: image.layers.map((layer, position) => ({ position, chainId: layer.chainId })),
          },
        },
      });
      await ctx.events.record({ type: "image", action: image.action, objectId: id, attributes: image.attributes }, tx);
    }
    for (const name of image.tags ?? []) {
      const previousId = await pointTagAt(ctx, tx, name, id);
      if (previousId) movedTags.push({ name, previousId });
    }
  });
  return { id, movedTags };
}
