import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { BerthError, DEFAULT_HELPER_IN_CONTAINER, planContainerStart, renderSetupScript, type StartPlan } from "@berth/core";
import type { CgroupLayout } from "../cgroups/cgroup-driver.js";
import { groupJoinFiles, monitorJoinFiles } from "../cgroups/cgroup-naming.js";
import { needsNodevMounts, performCgroupPlan, planCgroupCreate } from "../cgroups/cgroup-plan.js";
import type { EngineContext } from "../engine-context.js";
import { helperMessages } from "../native/helper-errors.js";
import { monitorArgs, parseMonitorPid } from "../native/monitor-args.js";
import { CONSOLE_FD } from "../native/process-args.js";
import { containerMountPoints, startMountInputs } from "./container-mounts.js";
import { containerPaths, type ContainerPaths } from "./container-paths.js";
import { releaseContainerResources } from "./container-resources.js";
import { imageLayers, mountRootfs } from "./container-rootfs.js";
import type { ContainerRuntime } from "./container-runtime.js";
import type { ContainerRecord } from "./container-store.js";
import { hostConfigResources } from "./host-config.js";
import { isProcessRunning, readFileInRoot, waitUntil } from "./host-processes.js";
import { createNetworkNamespace } from "./network-namespace.js";
import { commandStartFailure } from "./start-failure.js";
import { loadExeca } from "../host/load-execa.js";

// One start of a container, in order: rootfs, start plan (core), setup script, cgroups (limits
// written before any process), network namespace, then the monitor, detached. The monitor's child
// is PID 1 of a new pid namespace (`--pidns`), joins the container's cgroups before it execs, and
// runs `nsenter --net=<handle> unshare --mount --uts --ipc --cgroup -- sh -e <script>`; the
// script's last step execs berth-init init, which execs the command. So the pid file holds the
// container's PID 1 and no unshare parent stays around.

export interface LaunchResult {
  pid: number;
  monitorPid: number;
}

const SETUP_TIMEOUT_MS = 30_000;

/**
 * Has the container's PID 1 exec'd the command (or ended)? Before that it is, in turn, the
 * monitor's fork, nsenter, unshare, the setup script's shell and berth-init init.
 */
function isPastSetup(pid: number, helperPath: string, script: string): boolean {
  let argv: string[];
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return true;
  }
  const [command, first, second] = argv;
  // Empty while an execve replaces the image, and for a zombie: only the latter has ended.
  if (argv.length <= 1 && command === "") return !isProcessRunning(pid);
  if (command === helperPath && first === "monitor") return false;
  if (command === "nsenter" || command === "unshare") return false;
  if (command === "/bin/sh" && first === "-e" && second === script) return false;
  return !(command === DEFAULT_HELPER_IN_CONTAINER && first === "init");
}

/** Every v1 hierarchy the container sees under /sys/fs/cgroup: co-mounted controllers joined by commas. */
function v1Hierarchies(layout: Extract<CgroupLayout, { version: 1 }>): string[] {
  const byMount = new Map<string, string[]>();
  for (const [name, mount] of Object.entries(layout.controllers)) byMount.set(mount, [...(byMount.get(mount) ?? []), name]);
  return [...byMount.values()].map((names) => names.sort().join(","));
}

async function planStart(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, paths: ContainerPaths, layout: CgroupLayout): Promise<StartPlan> {
  const { row, config, hostConfig } = record;
  const [passwd, group, volumeRows, layers, lastCap, boundingCaps] = await Promise.all([
    readFileInRoot(paths.merged, "/etc/passwd"),
    readFileInRoot(paths.merged, "/etc/group"),
    ctx.client.volumeMount.findMany({ where: { nodeId: ctx.nodeId, containerId: row.id } }),
    imageLayers(ctx, row.imageId),
    runtime.lastCap(),
    runtime.boundingCaps(),
  ]);
  const { mounts, tmpfs } = await startMountInputs(containerMountPoints(ctx.paths, config, hostConfig, volumeRows), hostConfig);
  return planContainerStart({
    id: row.id,
    config,
    rootfs: { lowerDirs: [paths.init, ...layers.map((layer) => layer.diffDir)], upperDir: paths.upper, workDir: paths.work, mergedDir: paths.merged },
    files: { hostsPath: paths.hosts, hostnamePath: paths.hostname, resolvConfPath: paths.resolvConf },
    ...(passwd === undefined ? {} : { passwd }),
    ...(group === undefined ? {} : { group }),
    privileged: hostConfig.Privileged,
    readOnlyRootfs: hostConfig.ReadonlyRootfs,
    capAdd: hostConfig.CapAdd ?? [],
    capDrop: hostConfig.CapDrop ?? [],
    noNewPrivileges: (hostConfig.SecurityOpt ?? []).some((option) => /^no-new-privileges([:=]true)?$/.test(option)),
    seccompUnconfined: (hostConfig.SecurityOpt ?? []).some((option) => /^seccomp[:=]unconfined$/.test(option)),
    mounts,
    tmpfs,
    resources: hostConfigResources(hostConfig),
    cgroup: layout.version === 2 ? { version: 2 } : { version: 1, hierarchies: v1Hierarchies(layout) },
    lastCap,
    boundingCaps,
    ...(hostConfig.Init === true ? { initBinaryPath: runtime.helperPath } : {}),
    // The cgroup plan says the same (needsNodevMounts); --privileged gets every device anyway.
    nodevMounts: needsNodevMounts(layout) && hostConfig.Privileged !== true,
  });
}

/**
 * Starts the container's process under a new monitor. `waitStart`: the process waits until an
 * attach client says start (run and start -a see all output). On failure everything made is
 * released again and the error thrown.
 */
export async function launchContainer(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, options: { waitStart: boolean }): Promise<LaunchResult> {
  const { id } = record.row;
  const paths = containerPaths(ctx.paths, id);
  const host = runtime.cgroupHost;
  await rm(paths.runDir, { recursive: true, force: true });
  await mkdir(paths.runDir, { recursive: true, mode: 0o700 });
  await rm(paths.exitFile, { force: true });
  await rm(paths.stoppedMarker, { force: true });
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    ctx.logger.debug({ container: id, phase: name, ms: Math.round((now - mark) * 10) / 10 }, "start phase");
    mark = now;
  };
  try {
    const layout = await runtime.cgroupLayout();
    await mountRootfs(ctx, id, record.row.imageId, paths);
    phase("rootfs");
    const plan = await planStart(ctx, runtime, record, paths, layout);
    const script = renderSetupScript(plan, { initBinaryPath: runtime.helperPath, ...(plan.tty ? { consoleFd: CONSOLE_FD } : {}) });
    await writeFile(paths.script, script, { mode: 0o700 });
    phase("plan");
    await runtime.ensureMonitorsGroup();
    const cgroupPlan = planCgroupCreate(layout, ctx.paths.rootHash, id, plan.cgroup);
    await performCgroupPlan(cgroupPlan, host);
    phase("cgroups");
    await createNetworkNamespace(paths.netns);
    phase("netns");
    const exitCommand = runtime.exitCommand(id);
    const args = monitorArgs({
      argv: ["nsenter", `--net=${paths.netns}`, "unshare", "--mount", "--uts", "--ipc", "--cgroup", "--", "/bin/sh", "-e", paths.script],
      exitFile: paths.exitFile,
      pidFile: paths.pidFile,
      monitorPidFile: paths.monitorPidFile,
      logFile: paths.logFile,
      cgroupProcs: groupJoinFiles(cgroupPlan.group),
      monitorCgroupProcs: monitorJoinFiles(layout, ctx.paths.rootHash),
      tty: plan.tty,
      attachSocket: paths.attachSocket,
      stdin: record.config.OpenStdin === true,
      detach: true,
      pidNamespace: true,
      ...(exitCommand === undefined ? {} : { exitCommand }),
      waitStart: options.waitStart,
    });
    const execa = await loadExeca();
    const spawnMonitor = () => execa(runtime.helperPath, args, { env: runtime.monitorEnv(), extendEnv: false, reject: false, stdin: "ignore", cwd: "/" });
    let result = await spawnMonitor();
    if (result.exitCode !== 0 && !existsSync(monitorJoinFiles(layout, ctx.paths.rootHash)[0] ?? "")) {
      // An idle monitors group was removed (removeIdleRootGroups) while this start went on.
      runtime.forgetMonitorsGroup();
      await runtime.ensureMonitorsGroup();
      result = await spawnMonitor();
    }
    if (result.exitCode !== 0) {
      const reasons = helperMessages(result.stderr);
      throw new BerthError("INTERNAL", `cannot start container ${id}: ${reasons.length > 0 ? reasons.join("; ") : result.stderr || result.message}`);
    }
    const monitorPid = parseMonitorPid(result.stdout);
    const pid = Number((await readFile(paths.pidFile, "utf8")).trim());
    phase("monitor");
    if (!options.waitStart) {
      // Like `runc start`: back once the command runs, so a signal sent next reaches it, not the setup.
      await waitUntil(() => isPastSetup(pid, runtime.helperPath, paths.script), SETUP_TIMEOUT_MS, 2);
      const failure = await commandStartFailure(paths, pid);
      if (failure !== undefined) throw failure;
      phase("setup");
    }
    return { pid, monitorPid };
  } catch (error) {
    await releaseContainerResources(ctx, runtime, id, paths).catch((cleanupError: unknown) => {
      ctx.logger.error({ err: cleanupError, container: id }, "releasing a failed start");
    });
    throw error;
  }
}
