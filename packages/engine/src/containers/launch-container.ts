import { existsSync } from "node:fs";
import { mkdir, readFile, rm } from "node:fs/promises";
import { BerthError, planContainerStart, renderInitArgs, type StartPlan } from "@berth/core";
import type { CgroupLayout } from "../cgroups/cgroup-driver.js";
import { groupJoinFiles, monitorJoinFiles } from "../cgroups/cgroup-naming.js";
import { needsNodevMounts, performCgroupPlan, planCgroupCreate } from "../cgroups/cgroup-plan.js";
import type { EngineContext } from "../engine-context.js";
import { helperMessages } from "../native/helper-errors.js";
import { monitorArgs, parseMonitorPid } from "../native/monitor-args.js";
import { CONSOLE_FD, EXEC_FD } from "../native/process-args.js";
import { containerMountPoints, startMountInputs, volumeUses } from "./container-mounts.js";
import { containerPaths, type ContainerPaths } from "./container-paths.js";
import { releaseContainerResources } from "./container-resources.js";
import { containerLayers, mountRootfs } from "./container-rootfs.js";
import type { ContainerRuntime } from "./container-runtime.js";
import type { ContainerRecord } from "./container-store.js";
import { hostConfigResources, securityOptions } from "./host-config.js";
import { readFileInRoot } from "./host-processes.js";
import { runTool } from "../host/run-tool.js";
import { setUpContainerNetwork } from "../network/container-network.js";
import { commandStartFailure } from "./start-failure.js";
import { prepareVolumes } from "../volumes/volume-first-use.js";

// One start of a container, in order: rootfs, start plan (core), cgroups (limits written before
// any process), network namespace, then the monitor, detached. The monitor's child is PID 1 of a
// new pid namespace (`--pidns`), joins the container's cgroups before it execs, and execs
// `berth-init init --rootfs …` (core's renderInitArgs): the helper joins the netns, unshares the
// rest, mounts the plan, pivots, drops privileges and execs the command, all in one process. So
// the pid file holds the container's PID 1 and no parent stays around. Like `runc start`, a
// start without an attach client returns once the command runs (the monitor answers once the
// init's exec status pipe closes), so a signal sent next reaches it, not the setup; a command
// that could not be exec'd fails the start (start-failure.ts).

export interface LaunchResult {
  pid: number;
  monitorPid: number;
}

const MONITOR_GROUP_RETRIES = 3;

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
    containerLayers(ctx, row),
    runtime.lastCap(),
    runtime.boundingCaps(),
  ]);
  const points = containerMountPoints(ctx.paths, config, hostConfig, volumeRows);
  await prepareVolumes(ctx, paths.merged, volumeUses(points));
  const { mounts, tmpfs } = await startMountInputs(points, hostConfig);
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
    ...securityOptions(hostConfig),
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
    await mountRootfs(ctx, record.row, paths);
    phase("rootfs");
    const plan = await planStart(ctx, runtime, record, paths, layout);
    const initArgv = [runtime.helperPath, ...renderInitArgs(plan, { netns: paths.netns, execFd: EXEC_FD, ...(plan.tty ? { consoleFd: CONSOLE_FD } : {}) })];
    phase("plan");
    await runtime.ensureMonitorsGroup();
    const cgroupPlan = planCgroupCreate(layout, ctx.paths.rootHash, id, plan.cgroup);
    await performCgroupPlan(cgroupPlan, host);
    phase("cgroups");
    await setUpContainerNetwork(ctx, record, paths);
    phase("netns");
    const exitCommand = runtime.exitCommand(id);
    const args = monitorArgs({
      argv: initArgv,
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
      execFd: EXEC_FD,
    });
    const spawnMonitor = () => runTool(runtime.helperPath, args, { env: runtime.monitorEnv(), exactEnv: true, cwd: "/" });
    const isMonitorsGroupWhole = () => monitorJoinFiles(layout, ctx.paths.rootHash).every((file) => existsSync(file));
    let result = await spawnMonitor();
    // An idle monitors group was removed (removeIdleRootGroups), in some hierarchy or all, while
    // this start went on: made again, a few times at most.
    for (let attempt = 1; result.exitCode !== 0 && attempt <= MONITOR_GROUP_RETRIES && !isMonitorsGroupWhole(); attempt++) {
      runtime.forgetMonitorsGroup();
      await runtime.ensureMonitorsGroup();
      result = await spawnMonitor();
    }
    if (result.exitCode !== 0) {
      const reasons = helperMessages(result.stderr);
      const failure = commandStartFailure(result.exitCode, reasons.at(-1));
      if (failure !== undefined) throw failure;
      throw new BerthError("INTERNAL", `cannot start container ${id}: ${reasons.length > 0 ? reasons.join("; ") : result.stderr || result.message}`);
    }
    const monitorPid = parseMonitorPid(result.stdout);
    const pid = Number((await readFile(paths.pidFile, "utf8")).trim());
    phase("monitor");
    return { pid, monitorPid };
  } catch (error) {
    await releaseContainerResources(ctx, runtime, id, paths).catch((cleanupError: unknown) => {
      ctx.logger.error({ err: cleanupError, container: id }, "releasing a failed start");
    });
    throw error;
  }
}
