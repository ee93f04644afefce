import { parseReference } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { findImage } from "../images/image-lookup.js";

export interface SaveTarget {
  id: string;
  tags: string[];
}

/**
 * What docker save includes for each argument: a name with tag → that tag; a name without tag →
 * every tag of that repository; an ID → the image without tags. Arguments naming the same image
 * merge into one entry.
 */
export async function resolveSaveTargets(ctx: EngineContext, references: string[]): Promise<SaveTarget[]> {
  const byId = new Map<string, Set<string>>();
  for (const text of references) {
    const image = await findImage(ctx, text);
    const tags = byId.get(image.id) ?? new Set<string>();
    byId.set(image.id, tags);
    const tagRows = await ctx.client.tag.findMany({ where: { nodeId: ctx.nodeId, imageId: image.id }, select: { name: true } });
    const named = tagRows.map((row) => row.name);
    let ref;
    try {
      ref = parseReference(text);
    } catch {
      continue;
    }
    if (!named.includes(ref.canonical) && !isNameOnly(text)) continue;
    if (isNameOnly(text)) {
      for (const name of named) if (parseReference(name).repository === ref.repository) tags.add(name);
    } else {
      tags.add(ref.canonical);
    }
  }
  return [...byId].map(([id, tags]) => ({ id, tags: [...tags].sort() }));
}

function isNameOnly(text: string): boolean {
  const lastPart = text.slice(text.lastIndexOf("/") + 1);
  return !lastPart.includes(":") && !text.includes("@");
}
