import { invalidArgument, matchesPruneLabels, type VolumePruneOptions, type VolumePruneResult } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";
import { treeSize } from "../storage/tree-size.js";
import { deleteVolumeLocked } from "./remove-volume.js";
import { volumeDataDir, volumeStoreLock } from "./volume-paths.js";
import { volumeSummary } from "./volume-store.js";

const FILTER_KEYS = ["label", "label!", "all"];

/**
 * docker volume prune (docker 23+): the volumes no container mounts, only anonymous ones unless
 * `all` (or the `all=true` filter), narrowed by `label`/`label!`; what their data dirs held.
 */
export async function pruneVolumes(ctx: EngineContext, options: VolumePruneOptions = {}): Promise<VolumePruneResult> {
  const filters = options.filters ?? {};
  for (const key of Object.keys(filters)) if (!FILTER_KEYS.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
  const all = options.all === true || (filters["all"] ?? []).some((value) => value === "true" || value === "1");
  return withLock(ctx.paths.locks, volumeStoreLock, async () => {
    const rows = await ctx.client.volume.findMany({
      where: { nodeId: ctx.nodeId, mounts: { none: {} }, ...(all ? {} : { anonymous: true }) },
      orderBy: { name: "asc" },
    });
    const deleted: string[] = [];
    let spaceReclaimed = 0;
    for (const row of rows) {
      if (!matchesPruneLabels(volumeSummary(ctx, row, 0).labels, filters)) continue;
      spaceReclaimed += await treeSize(volumeDataDir(ctx.paths, row.name));
      await deleteVolumeLocked(ctx, row.name);
      deleted.push(row.name);
    }
    await ctx.events.record({ type: "volume", action: "prune", objectId: "", attributes: { reclaimed: String(spaceReclaimed) } });
    return { deleted, spaceReclaimed };
  });
}
