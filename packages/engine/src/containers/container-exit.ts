import { existsSync } from "node:fs";
import { BerthError, type ContainerState } from "@berth/core";
import { listCgroupPids } from "../cgroups/cgroup-procs.js";
import { readOomKilled } from "../cgroups/cgroup-stats.js";
import type { EngineContext } from "../engine-context.js";
import { readExitFile } from "../native/exit-file.js";
import { containerPaths } from "./container-paths.js";
import { containerGroup, releaseContainerResources } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, updateContainer, type ContainerRecord } from "./container-store.js";
import { isMonitorRunning } from "./host-processes.js";

// The end of a run, recorded once (whoever holds the container's lock first: the monitor's exit
// command, an attached `run`, `stop`, `wait` or any reader that finds it over): exit code and time
// from the monitor's exit file (or, when the monitor itself died, 137/now if the process had to be
// killed, 255/now if it was gone too, as docker's daemon records a task it lost), OOM from the
// memory cgroup, then everything the run held on the host is freed.

/** docker's code for a run whose process was gone with its supervisor (a host reboot). */
const LOST_EXIT_CODE = 255;

export const ACTIVE_STATES: readonly ContainerState[] = ["running", "paused", "restarting"];

export function isActive(state: ContainerState): boolean {
  return ACTIVE_STATES.includes(state);
}

/** Has this run ended (the monitor wrote its exit file, or the monitor is gone)? */
export function hasRunEnded(ctx: EngineContext, record: ContainerRecord): boolean {
  if (record.state === "restarting") return !isMonitorRunning(record.row.monitorPid, record.row.id);
  const paths = containerPaths(ctx.paths, record.row.id);
  return existsSync(paths.exitFile) || !isMonitorRunning(record.row.monitorPid, record.row.id);
}

/** The exit file exists: the process has ended and the monitor is finishing (exit command next). */
export function hasExitFile(ctx: EngineContext, record: ContainerRecord): boolean {
  return existsSync(containerPaths(ctx.paths, record.row.id).exitFile);
}

export interface FinishOptions {
  /** The state to end in: exited, or restarting when a restart policy will start it again. */
  to?: "exited" | "restarting";
}

/**
 * Records the end of the current run and frees its resources; call with the container's lock held
 * and only for an active container whose run has ended (or that must be ended: it kills what is
 * left). Writes the `oom` and `die` events.
 */
export async function finishRun(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, options: FinishOptions = {}): Promise<ContainerRecord> {
  const { id } = record.row;
  const started = performance.now();
  const paths = containerPaths(ctx.paths, id);
  const exit = await readExitFile(paths.exitFile).catch((error: unknown) => {
    ctx.logger.warn({ err: error, container: id }, "unreadable exit file");
    return undefined;
  });
  const { group } = await containerGroup(ctx, runtime, id);
  const oomKilled = await readOomKilled(runtime.cgroupHost, group).catch(() => false);
  const isProcessLeft = exit === undefined && (await listCgroupPids(runtime.cgroupHost, group)).length > 0;
  await releaseContainerResources(ctx, runtime, id, paths);
  const hadRun = record.state !== "restarting";
  const exitCode = exit?.exitCode ?? (hadRun ? (isProcessLeft ? 137 : LOST_EXIT_CODE) : record.row.exitCode);
  const finishedAt = exit ? new Date(exit.finishedAt) : hadRun ? new Date() : (record.row.finishedAt ?? new Date());
  const attributes = containerEventAttributes(record);
  const finished = await ctx.client.$transaction(async (tx) => {
    // While restarting, monitorPid stays the ended run's monitor: its exit command does the restart.
    const isRestarting = options.to === "restarting";
    const updated = await updateContainer(ctx, record, {
      state: options.to ?? "exited", pid: 0, monitorPid: isRestarting ? record.row.monitorPid : 0, exitCode, oomKilled, finishedAt,
    }, tx);
    if (hadRun) {
      if (oomKilled) await ctx.events.record({ type: "container", action: "oom", objectId: id, attributes }, tx);
      await ctx.events.record({ type: "container", action: "die", objectId: id, attributes: { ...attributes, exitCode: String(exitCode) } }, tx);
    }
    return updated;
  });
  ctx.logger.debug({ container: id, phase: "finish", ms: Math.round(performance.now() - started) }, "end phase");
  return finished;
}

/**
 * The restart policy's answer for a run that ended (docker's restart manager, without its
 * backoff). A stop or kill cancels the restart of that run; at start-up (`system boot`, docker's
 * daemon restore) only unless-stopped still remembers it, and always starts regardless.
 */
export function shouldRestart(record: ContainerRecord, exitCode: number, wasStopped: boolean, options: { atStartUp?: boolean } = {}): boolean {
  const policy = record.hostConfig.RestartPolicy;
  if (wasStopped && options.atStartUp !== true) return false;
  switch (policy.Name) {
    case "always":
      return true;
    case "unless-stopped":
      return !wasStopped;
    case "on-failure":
      return exitCode !== 0 && (policy.MaximumRetryCount === 0 || record.row.restartCount < policy.MaximumRetryCount);
    default:
      return false;
  }
}

/** docker's backoff: 100 ms, doubled each restart, at most a minute. */
export function restartDelayMs(restartCount: number): number {
  return Math.min(100 * 2 ** restartCount, 60_000);
}

export function assertFound<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new BerthError("NOT_FOUND", `No such container: ${id}`);
  return value;
}
