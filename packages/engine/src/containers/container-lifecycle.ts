import { rm, writeFile } from "node:fs/promises";
import {
  DEFAULT_STOP_TIMEOUT, assertTransition, parseSignal, type AttachStreams, type BerthError,
} from "@berth/core";
import { freezeCgroup, thawCgroup } from "../cgroups/cgroup-freezer.js";
import type { EngineContext } from "../engine-context.js";
import { readExitFile } from "../native/exit-file.js";
import { relayAttach } from "./attach-relay.js";
import { finishInline, reconcileContainer, withContainerLock } from "./container-cleanup.js";
import { finishRun, hasExitFile, hasRunEnded, isActive } from "./container-exit.js";
import { containerPaths } from "./container-paths.js";
import { containerGroup, removeIdleRootGroups } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, findContainer, loadContainer, noSuchContainer, updateContainer, type ContainerRecord } from "./container-store.js";
import { signalContainer } from "./container-signals.js";
import { waitUntil } from "./host-processes.js";
import { launchContainer } from "./launch-container.js";
import { loadRunningContainer } from "./running-container.js";
import { commandFailureExitCode, commandStartFailure } from "./start-failure.js";
import { removeLocked } from "./remove-container.js";

// start, stop, kill, pause, unpause, restart and wait. Each change holds the container's lock,
// reconciles the row with the kernel first, checks core's transition table, then acts.

const identity = (record: ContainerRecord) => ({ id: record.row.id, name: record.row.name });
const SIGKILL = 9;

async function event(ctx: EngineContext, record: ContainerRecord, action: string, extra: Record<string, string> = {}): Promise<void> {
  await ctx.events.record({ type: "container", action, objectId: record.row.id, attributes: containerEventAttributes(record, extra) });
}

/** Under the lock: the row, reconciled; throws NOT_FOUND once it is gone. */
export async function current(ctx: EngineContext, runtime: ContainerRuntime, id: string, text: string): Promise<ContainerRecord> {
  const record = await loadContainer(ctx, id);
  if (!record) throw noSuchContainer(text);
  if (isActive(record.state) && record.state !== "restarting" && hasRunEnded(ctx, record)) {
    return finishRun(ctx, runtime, record);
  }
  return record;
}

/** A start with the container's lock held; undefined when it already runs. */
export async function startLocked(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, waitStart: boolean): Promise<ContainerRecord | undefined> {
  if (assertTransition(record.state, "start", identity(record)).kind === "noop") return undefined;
  const { pid, monitorPid } = await launchContainer(ctx, runtime, record, { waitStart }).catch(async (error: unknown) => {
    // docker keeps a container whose command could not run Created, with the code and the reason.
    const exitCode = commandFailureExitCode(error);
    if (exitCode !== undefined) await updateContainer(ctx, record, { exitCode, error: (error as Error).message });
    throw error;
  });
  try {
    return await ctx.client.$transaction(async (tx) => {
      const started = await updateContainer(ctx, record, { state: "running", pid, monitorPid, startedAt: new Date(), exitCode: 0, oomKilled: false, error: "" }, tx);
      await ctx.events.record({ type: "container", action: "start", objectId: record.row.id, attributes: containerEventAttributes(record) }, tx);
      return started;
    });
  } catch (error) {
    await signalContainer(ctx, runtime, { ...record, row: { ...record.row, pid } }, SIGKILL);
    throw error;
  }
}

/**
 * docker start: with `attach`, the process waits for this client and its output is relayed until
 * it exits; the run is then finished inline (and an --rm container removed) unless a restart
 * policy leaves that to the monitor. Attaching to an already running container just relays.
 */
export async function startContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, attach?: AttachStreams): Promise<number | undefined> {
  const { id } = (await findContainer(ctx, text)).row;
  const started = await withContainerLock(ctx, id, async () => startLocked(ctx, runtime, await current(ctx, runtime, id, text), attach !== undefined));
  if (attach === undefined) return undefined;
  const record = started ?? (await loadContainer(ctx, id));
  if (!record) throw noSuchContainer(text);
  assertTransition(record.state, "attach", identity(record));
  return relayAttached(ctx, runtime, record, attach, started);
}

/** docker attach: the running container's streams (or pty) until it exits (its code) or the client detaches. */
export async function attachContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, attach: AttachStreams): Promise<number | undefined> {
  return relayAttached(ctx, runtime, await loadRunningContainer(ctx, runtime, text, "attach"), attach, undefined);
}

/**
 * Relays an attached client; `started` (this client's own start) lets the process run once the
 * client is registered. Without a restart policy the client records the end of the run itself.
 */
async function relayAttached(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, attach: AttachStreams, started: ContainerRecord | undefined): Promise<number | undefined> {
  const { id } = record.row;
  const paths = containerPaths(ctx.paths, id);
  // Without a restart policy this client records the exit itself (below): the monitor's exit command stands aside.
  const recordsExit = record.hostConfig.RestartPolicy.Name === "no";
  if (recordsExit) await writeFile(paths.inlineExitMarker, "").catch(() => undefined);
  let outcome;
  try {
    outcome = await relayAttach(paths.attachSocket, attach, { start: started !== undefined, stdin: record.config.OpenStdin === true });
  } catch (error) {
    await rm(paths.inlineExitMarker, { force: true });
    if (started) await signalContainer(ctx, runtime, started, SIGKILL);
    throw error;
  }
  if (outcome.detached) {
    await rm(paths.inlineExitMarker, { force: true });
    return undefined;
  }
  ctx.logger.debug({ container: id, phase: "attached run" }, "start phase");
  // Written before the exit frame was sent: the exit code, and why the command could not run.
  const exit = await readExitFile(paths.exitFile).catch(() => undefined);
  const code = outcome.exitCode ?? exit?.exitCode;
  // This client's own start whose command could not run fails like a detached one (below).
  const failure = started === undefined ? undefined : commandStartFailure(exit?.exitCode, exit?.execError);
  if (recordsExit) {
    await waitUntil(() => hasExitFile(ctx, record), 2_000);
    const after = await finishInline(ctx, runtime, id);
    if (after === undefined) await removeIdleRootGroups(ctx, runtime, started?.row.monitorPid ?? record.row.monitorPid);
    ctx.logger.debug({ container: id, phase: after ? "finished" : "finished and removed" }, "start phase");
    if (failure !== undefined) await leaveCreated(ctx, runtime, id, failure);
    return code ?? after?.row.exitCode;
  }
  if (failure !== undefined) throw failure;
  return code;
}

/**
 * docker keeps a container whose command could not run Created, with the code and the reason; an
 * attached start learns it once the run has ended, so the ended run is turned back into that.
 */
async function leaveCreated(ctx: EngineContext, runtime: ContainerRuntime, id: string, failure: BerthError): Promise<never> {
  await withContainerLock(ctx, id, async () => {
    const record = await loadContainer(ctx, id);
    if (record?.state === "exited") await updateContainer(ctx, record, { state: "created", exitCode: commandFailureExitCode(failure), error: failure.message });
  });
  throw failure;
}

export interface StopOptions {
  timeout?: number;
  signal?: string;
}

async function stopLocked(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, options: StopOptions): Promise<ContainerRecord> {
  if (assertTransition(record.state, "stop", identity(record)).kind === "noop") return record;
  const paths = containerPaths(ctx.paths, record.row.id);
  if (record.state === "restarting") {
    const stopped = await updateContainer(ctx, record, { state: "exited", monitorPid: 0 });
    await event(ctx, stopped, "stop");
    return stopped;
  }
  // Asked for (no restart policy applies) and recorded here (the exit command stands aside).
  // Without a runtime dir nothing would restart it or run an exit command anyway.
  await writeFile(paths.stoppedMarker, "").catch(() => undefined);
  await writeFile(paths.inlineExitMarker, "").catch(() => undefined);
  const signal = parseSignal(options.signal ?? record.config.StopSignal ?? "SIGTERM");
  const timeout = options.timeout ?? record.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT;
  await event(ctx, record, "kill", { signal: String(signal) });
  await signalContainer(ctx, runtime, record, signal);
  if (record.state === "paused") await thawCgroup(runtime.cgroupHost, (await containerGroup(ctx, runtime, record.row.id)).group);
  if (signal !== SIGKILL && !(await waitUntil(() => hasRunEnded(ctx, record), timeout < 0 ? -1 : timeout * 1000, 50))) {
    await event(ctx, record, "kill", { signal: String(SIGKILL) });
    await signalContainer(ctx, runtime, record, SIGKILL);
  }
  await waitUntil(() => hasRunEnded(ctx, record), 10_000);
  const stopped = await finishRun(ctx, runtime, record);
  await event(ctx, stopped, "stop");
  return stopped;
}

/** docker stop: StopSignal (or `signal`), `timeout` seconds (the container's, else 10; -1 forever), then SIGKILL. */
export async function stopContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, options: StopOptions = {}): Promise<void> {
  const { id } = (await findContainer(ctx, text)).row;
  let monitorPid = 0;
  const stopped = await withContainerLock(ctx, id, async () => {
    const record = await current(ctx, runtime, id, text);
    monitorPid = record.row.monitorPid;
    return stopLocked(ctx, runtime, record, options);
  });
  if (stopped.hostConfig.AutoRemove) await removeIfAutoRemove(ctx, runtime, id, monitorPid);
}

/** An --rm container that stopped goes away, as its monitor's cleanup would have done. */
async function removeIfAutoRemove(ctx: EngineContext, runtime: ContainerRuntime, id: string, monitorPid: number): Promise<void> {
  const removed = await withContainerLock(ctx, id, async () => {
    const record = await loadContainer(ctx, id);
    if (!record || !record.hostConfig.AutoRemove || isActive(record.state)) return false;
    await removeLocked(ctx, runtime, record, { volumes: true });
    return true;
  });
  if (removed) await removeIdleRootGroups(ctx, runtime, monitorPid);
}

/** docker kill: any signal (default KILL) to PID 1; KILL waits for the end and records it. No restart policy applies afterwards. */
export async function killContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, signalText = "KILL"): Promise<void> {
  const signal = parseSignal(signalText);
  const { id } = (await findContainer(ctx, text)).row;
  let monitorPid = 0;
  const killed = await withContainerLock(ctx, id, async () => {
    const record = await current(ctx, runtime, id, text);
    monitorPid = record.row.monitorPid;
    assertTransition(record.state, "kill", identity(record));
    if (record.state === "restarting") {
      const stopped = await updateContainer(ctx, record, { state: "exited", monitorPid: 0 });
      await event(ctx, stopped, "kill", { signal: String(signal) });
      return stopped;
    }
    const paths = containerPaths(ctx.paths, id);
    await writeFile(paths.stoppedMarker, "").catch(() => undefined);
    if (signal === SIGKILL) await writeFile(paths.inlineExitMarker, "").catch(() => undefined);
    await event(ctx, record, "kill", { signal: String(signal) });
    await signalContainer(ctx, runtime, record, signal);
    if (signal !== SIGKILL) return record;
    await waitUntil(() => hasRunEnded(ctx, record), 10_000);
    return finishRun(ctx, runtime, record);
  });
  if (killed.hostConfig.AutoRemove && !isActive(killed.state)) await removeIfAutoRemove(ctx, runtime, id, monitorPid);
}

/** docker pause / unpause: the cgroup freezer (v1 freezer.state, v2 cgroup.freeze), read back until done. */
export async function pauseContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, pause: boolean): Promise<void> {
  const { id } = (await findContainer(ctx, text)).row;
  await withContainerLock(ctx, id, async () => {
    const record = await current(ctx, runtime, id, text);
    assertTransition(record.state, pause ? "pause" : "unpause", identity(record));
    const { group } = await containerGroup(ctx, runtime, id);
    await (pause ? freezeCgroup : thawCgroup)(runtime.cgroupHost, group);
    const changed = await updateContainer(ctx, record, { state: pause ? "paused" : "running" });
    await event(ctx, changed, pause ? "pause" : "unpause");
  });
}

/** docker restart: stop (if it runs) then start, under one lock. */
export async function restartContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, options: StopOptions = {}): Promise<void> {
  const { id } = (await findContainer(ctx, text)).row;
  await withContainerLock(ctx, id, async () => {
    let record = await current(ctx, runtime, id, text);
    assertTransition(record.state, "restart", identity(record));
    if (isActive(record.state)) record = await stopLocked(ctx, runtime, record, options);
    const started = await startLocked(ctx, runtime, record, false);
    await event(ctx, started ?? record, "restart");
  });
}

/**
 * docker wait (condition not-running): the exit code of the current (or last) run. An ended run is
 * recorded inline when no restart policy wants it; otherwise the exit file's code is the answer.
 */
export async function waitContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string): Promise<number> {
  const { id } = (await findContainer(ctx, text)).row;
  const exitFile = containerPaths(ctx.paths, id).exitFile;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const record = await loadContainer(ctx, id);
    if (!record) throw noSuchContainer(text);
    if (!isActive(record.state)) return record.row.exitCode;
    if (record.state !== "restarting" && hasRunEnded(ctx, record)) {
      const exit = await readExitFile(exitFile).catch(() => undefined);
      const reconciled = await reconcileContainer(ctx, runtime, record);
      if (exit) return exit.exitCode;
      if (reconciled === undefined || !isActive(reconciled.state)) return reconciled?.row.exitCode ?? 137;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** docker rm [-f] [-v]: see removeLocked; an ended run is recorded first, so a stopped container needs no force. */
export async function removeContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, options: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
  const { id } = (await findContainer(ctx, text)).row;
  const monitorPid = await withContainerLock(ctx, id, async () => {
    const record = await loadContainer(ctx, id);
    const pid = record?.row.monitorPid ?? 0;
    await removeLocked(ctx, runtime, await current(ctx, runtime, id, text), options);
    return pid;
  });
  await removeIdleRootGroups(ctx, runtime, monitorPid);
}
