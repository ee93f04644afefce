import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { isBerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { readExitFile } from "../native/exit-file.js";
import { withLock } from "../storage/lock.js";
import { finishRun, hasExitFile, hasRunEnded, isActive, restartDelayMs, shouldRestart } from "./container-exit.js";
import { containerLockName, containerPaths } from "./container-paths.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, findContainer, loadContainer, updateContainer, type ContainerRecord } from "./container-store.js";
import { launchContainer } from "./launch-container.js";
import { isMonitorRunning } from "./host-processes.js";
import { removeLocked } from "./remove-container.js";

// `container cleanup` (the monitor's exit command) and the reconciliation every read does: the
// database is a cache of the kernel, so a run that ended is recorded by whoever sees it first.
// Restart policies are applied only by the exit command (it runs while the ended run's monitor
// waits, so a crashed monitor never leaves two processes restarting one container); the others
// finish a run inline only when no policy could want it back, or when the monitor is gone.

export function withContainerLock<T>(ctx: EngineContext, id: string, fn: () => Promise<T>, timeoutMs?: number): Promise<T> {
  return withLock(ctx.paths.locks, containerLockName(id), fn, timeoutMs === undefined ? {} : { timeoutMs });
}

interface Finished {
  record: ContainerRecord;
  restart: boolean;
}

/** Finishes an ended run under the lock; with `mayRestart`, a restart policy may keep it "restarting". */
async function finishIfEnded(ctx: EngineContext, runtime: ContainerRuntime, id: string, mayRestart: boolean, lockTimeoutMs?: number): Promise<Finished | undefined> {
  return withContainerLock(ctx, id, async () => {
    const current = await loadContainer(ctx, id);
    if (!current || !isActive(current.state) || !hasRunEnded(ctx, current)) return undefined;
    // A restarting container whose monitor is gone lost its restart: readers record it exited.
    if (current.state === "restarting" && mayRestart) return undefined;
    const paths = containerPaths(ctx.paths, id);
    const wasStopped = existsSync(paths.stoppedMarker);
    const exit = await readExitFile(paths.exitFile).catch(() => undefined);
    const restart = mayRestart && exit !== undefined && shouldRestart(current, exit.exitCode, wasStopped);
    return { record: await finishRun(ctx, runtime, current, { to: restart ? "restarting" : "exited" }), restart };
  }, lockTimeoutMs);
}

async function applyAutoRemove(ctx: EngineContext, runtime: ContainerRuntime, finished: Finished): Promise<boolean> {
  if (!finished.record.hostConfig.AutoRemove) return false;
  await withContainerLock(ctx, finished.record.row.id, async () => {
    const current = await loadContainer(ctx, finished.record.row.id);
    if (current && !isActive(current.state)) await removeLocked(ctx, runtime, current, { volumes: true });
  });
  return true;
}

/** The restart policy's start, after docker's backoff, unless someone stopped or removed it meanwhile. */
async function restartLater(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord): Promise<void> {
  await sleep(restartDelayMs(record.row.restartCount));
  await withContainerLock(ctx, record.row.id, async () => {
    const current = await loadContainer(ctx, record.row.id);
    if (!current || current.state !== "restarting") return;
    try {
      const { pid, monitorPid } = await launchContainer(ctx, runtime, current, { waitStart: false });
      await ctx.client.$transaction(async (tx) => {
        await updateContainer(ctx, current, { state: "running", pid, monitorPid, startedAt: new Date(), restartCount: { increment: 1 } }, tx);
        await ctx.events.record({ type: "container", action: "start", objectId: current.row.id, attributes: containerEventAttributes(current) }, tx);
      });
    } catch (error) {
      await updateContainer(ctx, current, { state: "exited", monitorPid: 0, error: (error as Error).message });
      throw error;
    }
  });
}

/** The service's cleanup(): idempotent; an unknown container is already cleaned up. */
export async function cleanupContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string): Promise<void> {
  let record: ContainerRecord;
  try {
    record = await findContainer(ctx, text);
  } catch (error) {
    if (isBerthError(error, "NOT_FOUND")) return;
    throw error;
  }
  const finished = await finishIfEnded(ctx, runtime, record.row.id, true);
  if (!finished) return;
  if (await applyAutoRemove(ctx, runtime, finished)) return;
  if (finished.restart) await restartLater(ctx, runtime, finished.record);
}

/**
 * Records an ended run inline (no restart), then honours --rm. Returns the row afterwards, or
 * undefined once removed. `lockTimeoutMs`: readers give up quickly when a stop holds the lock.
 */
export async function finishInline(ctx: EngineContext, runtime: ContainerRuntime, id: string, lockTimeoutMs?: number): Promise<ContainerRecord | undefined> {
  const finished = await finishIfEnded(ctx, runtime, id, false, lockTimeoutMs);
  if (finished && (await applyAutoRemove(ctx, runtime, finished))) return undefined;
  return loadContainer(ctx, id);
}

/**
 * What a reader should show: an active row whose run has visibly ended is finished inline when
 * nothing else will (the monitor is gone), or when the monitor's exit command would do no more
 * than that (no restart policy). A lock held by a stop or start leaves the row as it is.
 */
export async function reconcileContainer(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord): Promise<ContainerRecord | undefined> {
  if (!isActive(record.state)) return record;
  const monitorAlive = isMonitorRunning(record.row.monitorPid, record.row.id);
  if (monitorAlive && (record.state === "restarting" || !hasExitFile(ctx, record) || record.hostConfig.RestartPolicy.Name !== "no")) return record;
  try {
    return await finishInline(ctx, runtime, record.row.id, 200);
  } catch (error) {
    if (isBerthError(error, "UNAVAILABLE")) return record;
    throw error;
  }
}
