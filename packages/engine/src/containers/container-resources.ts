import { rm } from "node:fs/promises";
import type { CgroupLayout } from "../cgroups/cgroup-driver.js";
import { containerCgroup } from "../cgroups/cgroup-naming.js";
import { SIGKILL, killAllInCgroup } from "../cgroups/cgroup-procs.js";
import { removeCgroup } from "../cgroups/cgroup-remove.js";
import type { EngineContext } from "../engine-context.js";
import { listMountPoints } from "../storage/mountinfo.js";
import type { ContainerPaths } from "./container-paths.js";
import { unmountRootfs } from "./container-rootfs.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { releaseNetworkNamespace } from "./network-namespace.js";

/** The container's cgroup in this host's layout. */
export async function containerGroup(ctx: EngineContext, runtime: ContainerRuntime, id: string): Promise<{ layout: CgroupLayout; group: ReturnType<typeof containerCgroup> }> {
  const layout = await runtime.cgroupLayout();
  return { layout, group: containerCgroup(layout, ctx.paths.rootHash, id) };
}

/**
 * Frees what a run of the container holds on the host: any process left in its cgroup, the
 * rootfs mount, the cgroup, the network namespace and the runtime dir. Idempotent, and fine on a
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
  ]);
  await rm(paths.runDir, { recursive: true, force: true });
  ctx.logger.debug({ container: id, phase: "release", ms: Math.round(performance.now() - started) }, "end phase");
}
