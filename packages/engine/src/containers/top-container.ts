import { BerthError, filterPsOutput, type ContainerTop } from "@berth/core";
import { listCgroupPids } from "../cgroups/cgroup-procs.js";
import type { EngineContext } from "../engine-context.js";
import { loadExeca } from "../host/load-execa.js";
import { containerGroup } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { loadRunningContainer } from "./running-container.js";

/**
 * docker top: the host's `ps` with the given options (default `-ef`), narrowed to the processes
 * of the container's cgroup (its PID 1, their children, exec'd processes). A paused container
 * can be listed too. A `ps` that fails gives `ps: <its first error line>`.
 */
export async function topContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, psArgs: readonly string[] = []): Promise<ContainerTop> {
  const record = await loadRunningContainer(ctx, runtime, text, "top");
  const { group } = await containerGroup(ctx, runtime, record.row.id);
  const execa = await loadExeca();
  const [pids, ps] = await Promise.all([
    listCgroupPids(runtime.cgroupHost, group),
    execa("ps", psArgs.length === 0 ? ["-ef"] : [...psArgs], { reject: false, stdin: "ignore", env: { LC_ALL: "C" } }),
  ]);
  if (ps.exitCode !== 0) {
    const reason = ps.stderr.split("\n").find((line) => line.trim() !== "") ?? `exit status ${ps.exitCode}`;
    throw new BerthError("INVALID_ARGUMENT", `ps: ${reason.trim()}`);
  }
  return filterPsOutput(ps.stdout, new Set(pids));
}
