import { existsSync } from "node:fs";
import type { BootReport } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withContainerLock } from "./container-cleanup.js";
import { finishRun, hasRunEnded, isActive, shouldRestart } from "./container-exit.js";
import { startLocked } from "./container-lifecycle.js";
import { containerPaths } from "./container-paths.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { loadContainer } from "./container-store.js";
import { removeLocked } from "./remove-container.js";

// `berth system boot`, run once at host start-up by infra's boot unit: what docker's daemon does
// when it restores its containers. Every run whose monitor is gone is recorded (its exit file's
// code, else 137 when a process had to be killed, 255 when it was gone too: a reboot), then
// containers are started as their restart policy says at start-up (always; unless-stopped unless
// the user stopped it; on-failure after a non-zero code within its retry count), only if they were
// ever started, and an --rm container that stays down is removed.

/** Records, restarts or removes one container under its lock; what it did, if anything. */
async function bootOne(ctx: EngineContext, runtime: ContainerRuntime, id: string): Promise<Array<keyof Omit<BootReport, "failed">>> {
  return withContainerLock(ctx, id, async () => {
    const done: Array<keyof Omit<BootReport, "failed">> = [];
    let record = await loadContainer(ctx, id);
    if (!record) return done;
    if (isActive(record.state)) {
      if (!hasRunEnded(ctx, record)) return done;
      record = await finishRun(ctx, runtime, record);
      done.push("recorded");
    }
    if (record.state !== "exited" || record.row.startedAt === null) return done;
    const wasStopped = existsSync(containerPaths(ctx.paths, id).stoppedMarker);
    if (shouldRestart(record, record.row.exitCode, wasStopped, { atStartUp: true })) {
      await startLocked(ctx, runtime, record, false);
      done.push("restarted");
    } else if (record.hostConfig.AutoRemove) {
      await removeLocked(ctx, runtime, record, { volumes: true });
      done.push("removed");
    }
    return done;
  });
}

export async function bootContainers(ctx: EngineContext, runtime: ContainerRuntime): Promise<BootReport> {
  const report: BootReport = { recorded: [], restarted: [], removed: [], failed: [] };
  const rows = await ctx.client.container.findMany({ where: { nodeId: ctx.nodeId }, select: { id: true }, orderBy: { createdAt: "asc" } });
  for (const { id } of rows) {
    try {
      for (const action of await bootOne(ctx, runtime, id)) report[action].push(id);
    } catch (error) {
      ctx.logger.error({ err: error, container: id }, "system boot");
      report.failed.push({ id, message: (error as Error).message });
    }
  }
  return report;
}
