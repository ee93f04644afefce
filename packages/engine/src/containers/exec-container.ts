import { randomBytes } from "node:crypto";
import type { Writable } from "node:stream";
import { parseSignal, planContainerExec, type AttachStreams, type ContainerExecOptions } from "@berth/core";
import { groupJoinFiles } from "../cgroups/cgroup-naming.js";
import type { EngineContext } from "../engine-context.js";
import { loadExeca } from "../host/load-execa.js";
import { execArgs } from "../native/process-args.js";
import { pump } from "./attach-relay.js";
import { containerPaths } from "./container-paths.js";
import { containerGroup } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, type ContainerRecord } from "./container-store.js";
import { securityOptions } from "./host-config.js";
import { readFileInRoot } from "./host-processes.js";
import { loadRunningContainer } from "./running-container.js";

// docker exec: berth-init's `exec` joins the container's cgroups, then its namespaces and root,
// drops to the container's privileges and runs the command; its stdio (or the pty it proxies)
// is relayed to the caller's streams. Events exec_create, exec_start and exec_die, like docker's.

/** berth-init's fd that carries the terminal's sizes (`--resize-fd`). */
const RESIZE_FD = 3;

async function helperArgs(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, options: ContainerExecOptions, streams?: AttachStreams): Promise<string[]> {
  const merged = containerPaths(ctx.paths, record.row.id).merged;
  const [passwd, group, lastCap, { group: cgroup }] = await Promise.all([
    readFileInRoot(merged, "/etc/passwd"),
    readFileInRoot(merged, "/etc/group"),
    runtime.lastCap(),
    containerGroup(ctx, runtime, record.row.id),
  ]);
  const { hostConfig } = record;
  const plan = planContainerExec({
    config: record.config,
    host: { privileged: hostConfig.Privileged, capAdd: hostConfig.CapAdd ?? [], capDrop: hostConfig.CapDrop ?? [], ...securityOptions(hostConfig) },
    cmd: options.cmd,
    tty: options.tty === true,
    env: options.env ?? [],
    workingDir: options.workingDir,
    user: options.user,
    privileged: options.privileged === true,
    passwd,
    group,
    lastCap,
  });
  const isRelayed = plan.tty && options.detach !== true;
  return execArgs({
    target: record.row.pid,
    cgroupProcs: groupJoinFiles(cgroup),
    tty: plan.tty,
    ...(isRelayed && streams?.size ? { ttySize: streams.size } : {}),
    ...(isRelayed ? { resizeFd: RESIZE_FD } : {}),
    uid: plan.user.uid,
    gid: plan.user.gid,
    groups: plan.user.additionalGids,
    capabilities: plan.capabilities,
    noNewPrivileges: plan.noNewPrivileges,
    seccomp: plan.seccomp,
    cwd: plan.cwd,
    clearEnv: true,
    env: plan.env,
    argv: plan.argv,
  });
}

/**
 * Runs `options.cmd` in the running container and returns its exit code (126/127 when it cannot
 * run, berth-init's message on stderr); with `detach`, undefined as soon as it has started.
 */
export async function execInContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, options: ContainerExecOptions, streams?: AttachStreams): Promise<number | undefined> {
  const record = await loadRunningContainer(ctx, runtime, text, "exec");
  const args = await helperArgs(ctx, runtime, record, options, streams);
  const execId = randomBytes(32).toString("hex");
  const command = options.cmd.join(" ");
  const event = (action: string, extra: Record<string, string> = {}) =>
    ctx.events.record({ type: "container", action, objectId: record.row.id, attributes: containerEventAttributes(record, { execID: execId, ...extra }) });
  await event(`exec_create: ${command}`);
  const execa = await loadExeca();
  if (options.detach) {
    const child = execa(runtime.helperPath, args, { stdio: "ignore", detached: true, cleanup: false, reject: false });
    child.unref();
    await event(`exec_start: ${command}`);
    return undefined;
  }
  const isInteractive = options.interactive === true && streams?.stdin !== undefined;
  const isRelayingSizes = options.tty === true;
  const child = execa(runtime.helperPath, args, {
    stdio: [isInteractive ? "pipe" : "ignore", "pipe", "pipe", isRelayingSizes ? "pipe" : "ignore"],
    buffer: false,
    reject: false,
  });
  await event(`exec_start: ${command}`);
  child.stdout?.on("data", (chunk: Buffer) => (streams ? streams.stdout(chunk) : undefined));
  child.stderr?.on("data", (chunk: Buffer) => (streams ? streams.stderr(chunk) : undefined));
  const ended = child.then(() => undefined);
  if (isInteractive && child.stdin) {
    const stdin = child.stdin;
    stdin.on("error", () => {}); // the process may exit before it reads everything
    void pump(streams?.stdin, (chunk) => stdin.write(chunk), () => stdin.end(), ended);
  }
  const resizes = child.stdio[RESIZE_FD] as unknown as Writable | null;
  if (resizes) {
    resizes.on("error", () => {});
    void pump(streams?.resize, (size) => resizes.write(`${size.rows} ${size.cols}\n`), () => resizes.end(), ended);
  }
  const result = await child;
  const exitCode = result.exitCode ?? 128 + parseSignal(result.signal ?? "KILL");
  await event("exec_die", { exitCode: String(exitCode) });
  return exitCode;
}
