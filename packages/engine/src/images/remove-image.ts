import { BerthError, isImageIdLike, parseReference, shortId, type ImageRemoveOptions, type ImageRemoveResult } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";
import { collectUnusedLayers } from "./layer-gc.js";
import { findImage, listImageTags, type ImageRow } from "./image-lookup.js";
import { imageStoreLock } from "./store-lock.js";

/**
 * docker rmi: removing a name untags it, and deletes the image once no name is left; removing by
 * ID untags every name (only with --force when there are several) and deletes. An image with
 * children is never deleted, nor one a running container uses; one a stopped container uses only
 * with --force (the container keeps its layers and the image's ID, as in docker). Untagged
 * parents left childless and unused go too, unless noPrune.
 */
export async function removeImage(
  ctx: EngineContext,
  text: string,
  options: ImageRemoveOptions = {},
): Promise<ImageRemoveResult[]> {
  return withLock(ctx.paths.locks, imageStoreLock, async () => {
    const image = await findImage(ctx, text);
    const results: ImageRemoveResult[] = [];
    const tags = await listImageTags(ctx, image.id);
    const byName = !isImageIdLike(text) && !image.id.startsWith(`sha256:${text}`) && tags.length > 0;
    const user = await containerUsing(ctx, image.id);
    if (byName) {
      if (tags.length === 1 && user && !options.force) {
        throw new BerthError("CONFLICT", `conflict: unable to remove repository reference "${text}" (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(image.id)}`);
      }
      const name = parseReference(text);
      await untag(ctx, image.id, name.canonical);
      results.push({ untagged: name.familiar });
      if (tags.length > 1) return results;
    } else {
      if (tags.length > 1 && !options.force) {
        throw new BerthError("CONFLICT", `conflict: unable to delete ${shortId(image.id)} (must be forced) - image is referenced in multiple repositories`);
      }
      await assertNoChildren(ctx, image);
      assertNotUsed(image, user, options.force === true);
      for (const tag of tags) {
        await untag(ctx, image.id, parseReference(tag).canonical);
        results.push({ untagged: tag });
      }
    }
    // Here a user means force (else a conflict was thrown): docker deletes what only stopped
    // containers use, and quietly keeps what a running one does (forced by name).
    if ((await childCount(ctx, image.id)) > 0 || (user !== undefined && isRunning(user))) return results;
    results.push(...(await deleteImageAndParents(ctx, image, !options.noPrune)));
    await collectUnusedLayers(ctx);
    return results;
  });
}

async function childCount(ctx: EngineContext, imageId: string): Promise<number> {
  return ctx.client.image.count({ where: { nodeId: ctx.nodeId, parentId: imageId } });
}

async function assertNoChildren(ctx: EngineContext, image: ImageRow): Promise<void> {
  if ((await childCount(ctx, image.id)) > 0) {
    throw new BerthError("CONFLICT", `conflict: unable to delete ${shortId(image.id)} (cannot be forced) - image has dependent child images`);
  }
}

type ImageUser = { id: string; state: string };

const isRunning = (user: ImageUser) => ["running", "paused", "restarting"].includes(user.state);

/** A container of this node made from the image, running ones first (docker names those). */
async function containerUsing(ctx: EngineContext, imageId: string): Promise<ImageUser | undefined> {
  const rows = await ctx.client.container.findMany({ where: { nodeId: ctx.nodeId, imageId }, select: { id: true, state: true } });
  return rows.find(isRunning) ?? rows[0];
}

/** docker's conflicts for a removal by ID: a running container's image cannot be deleted at all, a stopped one's only with force. */
function assertNotUsed(image: ImageRow, user: ImageUser | undefined, force: boolean): void {
  if (user === undefined) return;
  if (isRunning(user)) {
    throw new BerthError("CONFLICT", `conflict: unable to delete ${shortId(image.id)} (cannot be forced) - image is being used by running container ${shortId(user.id)}`);
  }
  if (!force) {
    throw new BerthError("CONFLICT", `conflict: unable to delete ${shortId(image.id)} (must be forced) - image is being used by stopped container ${shortId(user.id)}`);
  }
}

async function untag(ctx: EngineContext, imageId: string, canonical: string): Promise<void> {
  await ctx.client.$transaction(async (tx) => {
    await tx.tag.delete({ where: { nodeId_name: { nodeId: ctx.nodeId, name: canonical } } });
    await ctx.events.record({ type: "image", action: "untag", objectId: imageId, attributes: { name: parseReference(canonical).familiar } }, tx);
  });
}

/** Delete an untagged, childless image's rows and config; then its parents while they are the same. */
export async function deleteImageAndParents(ctx: EngineContext, image: ImageRow, pruneParents: boolean): Promise<ImageRemoveResult[]> {
  const results: ImageRemoveResult[] = [];
  let current: ImageRow | null = image;
  while (current) {
    const { id, parentId }: ImageRow = current;
    await ctx.client.$transaction(async (tx) => {
      await tx.repoDigest.deleteMany({ where: { nodeId: ctx.nodeId, imageId: id } });
      await tx.image.delete({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
      await ctx.events.record({ type: "image", action: "delete", objectId: id }, tx);
    });
    await ctx.blobs.deleteBlob(id);
    results.push({ deleted: id });
    current = pruneParents && parentId ? await prunableParent(ctx, parentId) : null;
  }
  return results;
}

async function prunableParent(ctx: EngineContext, parentId: string): Promise<ImageRow | null> {
  const parent = await ctx.client.image.findUnique({
    where: { nodeId_id: { nodeId: ctx.nodeId, id: parentId } },
    include: { _count: { select: { tags: true, children: true } } },
  });
  if (!parent || parent._count.tags > 0 || parent._count.children > 0) return null;
  if ((await ctx.client.container.count({ where: { nodeId: ctx.nodeId, imageId: parentId } })) > 0) return null;
  const { _count, ...row } = parent;
  return row;
}
