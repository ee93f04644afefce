import { BerthError, familiarName, isImageIdLike, parseReference } from "@berth/core";
import type { EngineContext } from "../engine-context.js";

export interface ImageRow {
  nodeId: string;
  id: string;
  parentId: string | null;
  created: Date;
  size: bigint;
  architecture: string;
  os: string;
  author: string;
  comment: string;
  labels: string;
  topChainId: string | null;
  addedAt: Date;
  lastTagTime: Date | null;
}

const hexPrefix = /^(sha256:)?[0-9a-f]{1,64}$/;

export function noSuchImage(text: string): BerthError {
  return new BerthError("NOT_FOUND", `No such image: ${text}`);
}

/**
 * Resolve what a user typed to one stored image, like docker: a full or short ID, a name with
 * tag (latest when absent) or a name with digest. A bare hex string that is also a valid name is
 * tried as a name first.
 */
export async function findImage(ctx: EngineContext, text: string): Promise<ImageRow> {
  const { client, nodeId } = ctx;
  if (isImageIdLike(text)) {
    const id = text.startsWith("sha256:") ? text : `sha256:${text}`;
    const row = await client.image.findUnique({ where: { nodeId_id: { nodeId, id } } });
    if (row) return row;
    throw noSuchImage(text);
  }
  let displayName = text;
  try {
    const ref = parseReference(text);
    displayName = ref.familiar;
    const byName = ref.digest
      ? await client.repoDigest.findUnique({
          where: { nodeId_name: { nodeId, name: `${ref.repository}@${ref.digest}` } },
          select: { image: true },
        })
      : await client.tag.findUnique({
          where: { nodeId_name: { nodeId, name: ref.canonical } },
          select: { image: true },
        });
    if (byName) return byName.image;
  } catch (error) {
    if (!hexPrefix.test(text)) throw error;
  }
  if (hexPrefix.test(text)) {
    const prefix = text.startsWith("sha256:") ? text : `sha256:${text}`;
    const rows = await client.image.findMany({ where: { nodeId, id: { startsWith: prefix } }, take: 2 });
    if (rows.length === 1 && rows[0]) return rows[0];
    if (rows.length > 1) {
      throw new BerthError("INVALID_ARGUMENT", `short identifier ${text} is ambiguous`, {
        hint: "give more characters of the image ID",
      });
    }
  }
  throw noSuchImage(displayName);
}

/** Familiar names of the tags that point at an image, sorted. */
export async function listImageTags(ctx: EngineContext, imageId: string): Promise<string[]> {
  const rows = await ctx.client.tag.findMany({
    where: { nodeId: ctx.nodeId, imageId },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return rows.map((row) => familiarName(row.name));
}
