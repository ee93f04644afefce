import type { ContainerConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { readImageConfig } from "../images/image-config.js";

/** A config as stable text: keys sorted at every level, absent values left out. */
function stableText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined && item !== null);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => `${JSON.stringify(key)}:${stableText(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The classic builder's local cache: a stored child of `parentId` whose container_config equals
 * the step's (the instruction, its environment and, for ADD/COPY, the sources' checksum in the
 * command). The newest match wins. `parentId` undefined looks among images without a parent.
 */
export async function findCachedImage(ctx: EngineContext, parentId: string | undefined, containerConfig: ContainerConfig): Promise<string | undefined> {
  const wanted = stableText(containerConfig);
  const children = await ctx.client.image.findMany({
    where: { nodeId: ctx.nodeId, parentId: parentId ?? null },
    orderBy: { created: "desc" },
    select: { id: true },
  });
  for (const child of children) {
    const config = await readImageConfig(ctx, child.id);
    if (config.container_config !== undefined && stableText(config.container_config) === wanted) return child.id;
  }
  return undefined;
}
