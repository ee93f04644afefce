import { BerthError } from "@berth/core";
import { errnoCode, type CgroupHost } from "./cgroup-host.js";

/** Controllers bound to cgroup v1 hierarchies, each with the mount point of its hierarchy. */
export interface CgroupV1Layout {
  version: 1;
  /**
   * Controller name → mount point. Co-mounted controllers (`cpu,cpuacct`) share one path;
   * named hierarchies appear as `name=<name>` (`name=systemd`).
   */
  controllers: Readonly<Record<string, string>>;
  /** The cgroup2 mount beside them (hybrid hosts), even when no controller is enabled on it. */
  unifiedPath?: string;
}

/** The unified hierarchy. */
export interface CgroupV2Layout {
  version: 2;
  path: string;
  /**
   * The root's `cgroup.controllers` when known (`probeCgroupLayout` reads it); plans enable only
   * these. Unknown means a full v2 host (cpu, memory, pids available).
   */
  controllers?: readonly string[];
}

export type CgroupLayout = CgroupV1Layout | CgroupV2Layout;

/** Every v1 controller the kernel knows; anything else in the options is a mount flag. */
const V1_CONTROLLERS = new Set([
  "blkio", "cpu", "cpuacct", "cpuset", "devices", "freezer", "hugetlb", "memory", "misc",
  "net_cls", "net_prio", "perf_event", "pids", "rdma",
]);

/** Decodes the octal escapes (`\040` for a space) of a /proc/self/mounts field. */
function unescapeMountField(field: string): string {
  return Buffer.from(
    field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    "latin1",
  ).toString("utf8");
}

/** The standard place wins over other mounts of the same hierarchy (bind mounts, rootfs copies). */
function isPreferred(path: string): boolean {
  return path === "/sys/fs/cgroup" || path.startsWith("/sys/fs/cgroup/");
}

/**
 * Reads the cgroup layout from /proc/self/mounts text. Version 1 when at least one controller
 * is bound to a v1 hierarchy (a leftover `name=systemd` alone does not count), else version 2.
 */
export function detectCgroupLayout(mountsText: string): CgroupLayout {
  const controllers: Record<string, string> = {};
  let hasV1Controller = false;
  let unifiedPath: string | undefined;
  for (const line of mountsText.split("\n")) {
    const [, rawTarget, type, options] = line.split(" ");
    if (rawTarget === undefined || options === undefined) continue;
    const target = unescapeMountField(rawTarget);
    if (type === "cgroup2") {
      if (unifiedPath === undefined || (isPreferred(target) && !isPreferred(unifiedPath))) unifiedPath = target;
    } else if (type === "cgroup") {
      for (const option of options.split(",")) {
        const isController = V1_CONTROLLERS.has(option);
        if (!isController && !option.startsWith("name=")) continue;
        hasV1Controller ||= isController;
        const known = controllers[option];
        if (known === undefined || (isPreferred(target) && !isPreferred(known))) controllers[option] = target;
      }
    }
  }
  if (hasV1Controller) return unifiedPath === undefined ? { version: 1, controllers } : { version: 1, controllers, unifiedPath };
  if (unifiedPath !== undefined) return { version: 2, path: unifiedPath };
  throw new BerthError("UNAVAILABLE", "no cgroup filesystem is mounted", {
    hint: "mount cgroup2 on /sys/fs/cgroup (or the v1 controller hierarchies) and try again",
  });
}

/**
 * Detects the layout of this host; on v2 also reads which controllers the root offers. `unified`:
 * a hybrid host's cgroup2 mount is used as the v2 layout (the `cgroup_mode` setting).
 */
export async function probeCgroupLayout(host: CgroupHost, options: { unified?: boolean } = {}): Promise<CgroupLayout> {
  const detected = detectCgroupLayout(await host.readFile("/proc/self/mounts"));
  if (detected.version === 1 && options.unified === true && detected.unifiedPath === undefined) {
    throw new BerthError("UNAVAILABLE", "cgroup_mode is unified but no cgroup2 filesystem is mounted");
  }
  const layout: CgroupLayout = detected.version === 1 && options.unified === true ? { version: 2, path: detected.unifiedPath! } : detected;
  if (layout.version === 1) return layout;
  try {
    const text = await host.readFile(`${layout.path}/cgroup.controllers`);
    return { ...layout, controllers: text.split(/\s+/).filter((name) => name.length > 0) };
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return { ...layout, controllers: [] };
    throw error;
  }
}
