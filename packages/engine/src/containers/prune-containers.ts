import { invalidArgument, isBerthError, matchesPruneLabels, parseTimeOrDuration, type ContainerPruneResult } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { treeSize } from "../storage/tree-size.js";
import { reconcileContainer } from "./container-cleanup.js";
import { isActive } from "./container-exit.js";
import { removeContainer } from "./container-lifecycle.js";
import { containerPaths } from "./container-paths.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { parseContainerRow } from "./container-store.js";

const FILTER_KEYS = ["until", "label", "label!"];

/**
 * docker container prune: every container that is not running (created, exited, dead), created
 * before `until` and matching the label filters, removed like `rm` (so a container that started
 * meanwhile is skipped); the bytes their read-write layers held.
 */
export async function pruneContainers(ctx: EngineContext, runtime: ContainerRuntime, options: { filters?: Record<string, string[]> } = {}): Promise<ContainerPruneResult> {
  const filters = options.filters ?? {};
  for (const key of Object.keys(filters)) if (!FILTER_KEYS.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
  const now = new Date();
  const until = (filters["until"] ?? []).map((value) => parseTimeOrDuration(value, now));
  const rows = await ctx.client.container.findMany({ where: { nodeId: ctx.nodeId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const deleted: string[] = [];
  let spaceReclaimed = 0;
  for (const row of rows) {
    const record = await reconcileContainer(ctx, runtime, parseContainerRow(row));
    if (!record || isActive(record.state)) continue;
    if (until.some((time) => record.row.createdAt > time)) continue;
    if (!matchesPruneLabels(record.config.Labels ?? {}, filters)) continue;
    const size = await treeSize(containerPaths(ctx.paths, row.id).upper);
    try {
      await removeContainer(ctx, runtime, row.id);
    } catch (error) {
      // Started or removed by someone else meanwhile: not this prune's to remove.
      if (isBerthError(error, "CONFLICT") || isBerthError(error, "NOT_FOUND")) continue;
      throw error;
    }
    deleted.push(row.id);
    spaceReclaimed += size;
  }
  await ctx.events.record({ type: "container", action: "prune", objectId: "", attributes: { reclaimed: String(spaceReclaimed) } });
  return { deleted, spaceReclaimed };
}
