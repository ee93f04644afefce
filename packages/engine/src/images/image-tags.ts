import { BerthError, parseReference } from "@berth/core";
import type { BerthPrismaClient } from "@berth/db";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";
import { findImage } from "./image-lookup.js";
import { imageStoreLock } from "./store-lock.js";

type TagWriter = Pick<BerthPrismaClient, "tag" | "image" | "event">;

/** Point a canonical tag at an image; returns the image it pointed at before, if another. */
export async function pointTagAt(ctx: EngineContext, tx: TagWriter, name: string, imageId: string): Promise<string | null> {
  const { nodeId } = ctx;
  const previous = await tx.tag.findUnique({ where: { nodeId_name: { nodeId, name } }, select: { imageId: true } });
  if (previous?.imageId === imageId) return null;
  await tx.tag.upsert({
    where: { nodeId_name: { nodeId, name } },
    create: { nodeId, name, imageId },
    update: { imageId, createdAt: new Date() },
  });
  await tx.image.update({ where: { nodeId_id: { nodeId, id: imageId } }, data: { lastTagTime: new Date() } });
  const familiar = parseReference(name).familiar;
  if (previous) {
    await ctx.events.record({ type: "image", action: "untag", objectId: previous.imageId, attributes: { name: familiar } }, tx);
  }
  await ctx.events.record({ type: "image", action: "tag", objectId: imageId, attributes: { name: familiar } }, tx);
  return previous?.imageId ?? null;
}

/** docker tag SOURCE TARGET. */
export async function tagImage(ctx: EngineContext, source: string, target: string): Promise<void> {
  const ref = parseReference(target);
  if (ref.digest) throw new BerthError("INVALID_ARGUMENT", "refusing to create a tag with a digest reference");
  await withLock(ctx.paths.locks, imageStoreLock, async () => {
    const image = await findImage(ctx, source);
    await ctx.client.$transaction((tx) => pointTagAt(ctx, tx, ref.canonical, image.id));
  });
}
