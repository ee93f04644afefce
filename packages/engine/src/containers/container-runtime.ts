import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { ContainerResources } from "@berth/core";
import { probeCgroupLayout, type CgroupLayout } from "../cgroups/cgroup-driver.js";
import { createFsCgroupHost, type CgroupHost } from "../cgroups/cgroup-host.js";
import { performCgroupPlan, planMonitorsCgroupCreate } from "../cgroups/cgroup-plan.js";
import type { EngineContext } from "../engine-context.js";
import { berthInitPath } from "../native/helper-path.js";
import { containerPaths } from "./container-paths.js";

// What the container service learns about the host once per engine: the cgroup layout, the
// helper binary, the capability count, and the exit command the monitors run.

export interface ContainerRuntime {
  cgroupHost: CgroupHost;
  cgroupLayout(): Promise<CgroupLayout>;
  /** Makes the root's monitors group (once per engine, again after `forgetMonitorsGroup`). */
  ensureMonitorsGroup(): Promise<void>;
  /** The monitors group may be gone (removed when idle): make it again on the next start. */
  forgetMonitorsGroup(): void;
  /** The static berth-init on the host. */
  helperPath: string;
  /** The host's /proc/sys/kernel/cap_last_cap. */
  lastCap(): Promise<number>;
  /** This process's capability bounding set (CapBnd), what `--privileged` can hand on. */
  boundingCaps(): Promise<bigint>;
  /** The monitor's exit command for container `id`, or undefined when no CLI can be found. */
  exitCommand(id: string): string[] | undefined;
  /** The environment the monitor (and so its exit command) runs with: this root's settings. */
  monitorEnv(): Record<string, string>;
  /** docker's create-time warnings for limits this host cannot enforce fully. */
  resourceWarnings(resources: ContainerResources): Promise<string[]>;
}

const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** apps/cli/bin/berth of the checkout this engine runs from (src/ and dist/ are both two levels down). */
function checkoutCli(): string | undefined {
  const path = fileURLToPath(new URL("../../../../apps/cli/bin/berth", import.meta.url));
  return existsSync(path) ? path : undefined;
}

export function createContainerRuntime(ctx: EngineContext): ContainerRuntime {
  const cgroupHost = createFsCgroupHost();
  let layout: Promise<CgroupLayout> | undefined;
  const probe = () => probeCgroupLayout(cgroupHost, { unified: ctx.settings.settings.cgroup_mode === "unified" });
  let lastCap: Promise<number> | undefined;
  let boundingCaps: Promise<bigint> | undefined;
  let monitorsGroup: Promise<void> | undefined;
  const cliPath = ctx.settings.settings.cli_path ?? checkoutCli();
  if (cliPath === undefined) ctx.logger.warn("no berth CLI found for the monitors' exit command (set BERTH_CLI): containers are cleaned up when next read");
  return {
    cgroupHost,
    cgroupLayout: () => (layout ??= probe()),
    async ensureMonitorsGroup() {
      monitorsGroup ??= (async () => {
        const current = await (layout ??= probe());
        await performCgroupPlan(planMonitorsCgroupCreate(current, ctx.paths.rootHash), cgroupHost);
      })();
      try {
        await monitorsGroup;
      } catch (error) {
        monitorsGroup = undefined;
        throw error;
      }
    },
    forgetMonitorsGroup() {
      monitorsGroup = undefined;
    },
    helperPath: berthInitPath(),
    lastCap: () => (lastCap ??= readFile("/proc/sys/kernel/cap_last_cap", "utf8").then((text) => Number(text.trim()))),
    boundingCaps: () => (boundingCaps ??= readFile("/proc/self/status", "utf8").then((text) => BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(text)?.[1] ?? "0"}`))),
    exitCommand(id) {
      if (cliPath === undefined) return undefined;
      const paths = containerPaths(ctx.paths, id);
      // A Node process per exit costs more CPU than the rest of a short run: skip it when a berth
      // process records the exit itself (an attached run, stop, kill, rm -f), or when the run was
      // already recorded (its runtime dir is gone). One that dies leaves this to the next read.
      return [
        "/bin/sh", "-c", 'if [ -e "$1" ] || [ ! -e "$2" ]; then exit 0; fi; shift 2; exec "$@"', "berth-exit",
        paths.inlineExitMarker, paths.pidFile, process.execPath, cliPath, "container", "cleanup", id,
      ];
    },
    monitorEnv() {
      const { settings } = ctx.settings;
      return {
        PATH: HOST_PATH,
        LC_ALL: "C",
        BERTH_ROOT: ctx.paths.root,
        BERTH_LOG_LEVEL: settings.log_level,
        ...(settings.database_url ? { BERTH_DATABASE_URL: settings.database_url } : {}),
        ...(cliPath ? { BERTH_CLI: cliPath } : {}),
        ...(settings.cgroup_mode === "auto" ? {} : { BERTH_CGROUP_MODE: settings.cgroup_mode }),
      };
    },
    async resourceWarnings(resources) {
      const current = await (layout ??= probe());
      if (current.version !== 1 || (resources.memory ?? 0) <= 0) return [];
      const memoryRoot = current.controllers.memory;
      if (memoryRoot !== undefined && existsSync(`${memoryRoot}/memory.memsw.limit_in_bytes`)) return [];
      return ["Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap."];
    },
  };
}
