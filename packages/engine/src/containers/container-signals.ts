import { SIGKILL, killAllInCgroup } from "../cgroups/cgroup-procs.js";
import type { EngineContext } from "../engine-context.js";
import { containerGroup } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import type { ContainerRecord } from "./container-store.js";
import { isProcessRunning } from "./host-processes.js";

/**
 * Sends `signal` to the container's PID 1 (from the host, an ancestor namespace: only SIGKILL and
 * SIGSTOP are forced on it, other signals need a handler, as in docker). SIGKILL also empties the
 * cgroup (freeze, kill, thaw on v1), which ends a paused container too.
 */
export async function signalContainer(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, signal: number): Promise<void> {
  const { pid, id } = record.row;
  if (isProcessRunning(pid)) {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
  if (signal === SIGKILL) {
    const { group } = await containerGroup(ctx, runtime, id);
    await killAllInCgroup(runtime.cgroupHost, group, SIGKILL);
  }
}
