import { rm } from "node:fs/promises";
import type { CgroupLayout } from "../cgroups/cgroup-driver.js";
import { errnoCode } from "../cgroups/cgroup-host.js";
import { containerCgroup, monitorsCgroup } from "../cgroups/cgroup-naming.js";
import { SIGKILL, killAllInCgroup } from "../cgroups/cgroup-procs.js";
import { removeCgroup } from "../cgroups/cgroup-remove.js";
import type { EngineContext } from "../engine-context.js";
import { listMountPoints } from "../storage/mountinfo.js";
import type { ContainerPaths } from "./container-paths.js";
import { unmountRootfs } from "./container-rootfs.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { isProcessRunning, waitUntil } from "./host-processes.js";
import { releaseNetworkNamespace } from "./network-namespace.js";
import { releaseContainerNetwork } from "../network/container-network.js";

/** The container's cgroup in this host's layout. */
export async function containerGroup(ctx: EngineContext, runtime: ContainerRuntime, id: string): Promise<{ layout: CgroupLayout; group: ReturnType<typeof containerCgroup> }> {
  const layout = await runtime.cgroupLayout();
  return { layout, group: containerCgroup(layout, ctx.paths.rootHash, id) };
}

/**
 * Frees what a run of the container holds on the host: any process left in its cgroup, the
 * rootfs mount, the cgroup, the network namespace, its leases and held ports, and the runtime dir. Idempotent, and fine on a
 * half-made start; the monitor (outside the cgroup) is left to finish on its own.
 */
export async function releaseContainerResources(ctx: EngineContext, runtime: ContainerRuntime, id: string, paths: ContainerPaths): Promise<void> {
  const started = performance.now();
  const { group } = await containerGroup(ctx, runtime, id);
  await killAllInCgroup(runtime.cgroupHost, group, SIGKILL);
  const mounts = await listMountPoints();
  // Independent of each other once no process is left: done side by side.
  await Promise.all([
    unmountRootfs(paths, mounts),
    removeCgroup(runtime.cgroupHost, group),
    releaseNetworkNamespace(paths.netns, mounts),
    releaseContainerNetwork(ctx, id, paths),
  ]);
  await rm(paths.runDir, { recursive: true, force: true });
  ctx.logger.debug({ container: id, phase: "release", ms: Math.round(performance.now() - started) }, "end phase");
}

/**
 * Removes the root's monitors group and its berth-<hash> parent when they are idle: the kernel
 * refuses (EBUSY) while a monitor is in the group or another container's group is under the
 * parent, so this never takes anything from a running container. A start racing with it makes
 * the group again (launchContainer retries its monitor once). Waits up to a second for the
 * monitor `monitorPid` to finish first (it outlives its container by its exit command).
 */
export async function removeIdleRootGroups(ctx: EngineContext, runtime: ContainerRuntime, monitorPid = 0): Promise<void> {
  if (monitorPid > 0 && monitorPid !== process.ppid) await waitUntil(() => !isProcessRunning(monitorPid), 1_000);
  const group = monitorsCgroup(await runtime.cgroupLayout(), ctx.paths.rootHash);
  const tolerated = new Set(["ENOENT", "EBUSY", "ENOTEMPTY"]);
  const tryRmdir = async (dir: string) => {
    try {
      await runtime.cgroupHost.rmdir(dir);
      return true;
    } catch (error) {
      if (!tolerated.has(errnoCode(error) ?? "")) throw error;
      return errnoCode(error) === "ENOENT";
    }
  };
  let isGone = true;
  for (const dir of group.dirs) isGone = (await tryRmdir(dir)) && isGone;
  if (!isGone) return;
  runtime.forgetMonitorsGroup();
  for (const parent of group.parentDirs) await tryRmdir(parent);
}
