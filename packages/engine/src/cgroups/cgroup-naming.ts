import { invalidArgument } from "@berth/core";
import type { CgroupLayout } from "./cgroup-driver.js";

/** The v1 controllers a container's cgroup is made under (ARCHITECTURE.md, "Running a container"). */
const V1_MANAGED_CONTROLLERS = ["memory", "cpu", "cpuacct", "pids", "freezer", "devices"] as const;

/**
 * Hierarchies without limits that systemd uses to track a service's processes on v1 and hybrid
 * hosts: joining them is what lets containers and monitors outlive the unit that started them.
 */
const V1_TRACKING_HIERARCHIES = ["name=systemd"] as const;

/** Key of the cgroup2 mount of a v1 (hybrid) layout in `CgroupGroup.controllerDirs`. */
export const UNIFIED_KEY = "unified";

/** The group that holds the per-container monitors, beside (never inside) the containers. */
export const MONITORS_GROUP = "monitors";

/** One cgroup of berth: the same relative path in every hierarchy it lives in. */
export interface CgroupGroup {
  layout: CgroupLayout;
  /** `berth-<rootHash>/<name>`. */
  relativePath: string;
  /** The group's directory in each hierarchy, one per mount, in creation order. */
  dirs: readonly string[];
  /** `berth-<rootHash>` in each of those hierarchies, in the same order. */
  parentDirs: readonly string[];
  /**
   * v1: controller (`memory`, `name=systemd`, `unified`…) → the group's directory in the
   * hierarchy holding it. Empty on v2: use `groupDir`.
   */
  controllerDirs: Readonly<Record<string, string>>;
}

/** The group's directory holding `controller`'s files (on v2, the one directory). */
export function groupDir(group: CgroupGroup, controller: string): string | undefined {
  return group.layout.version === 2 ? group.dirs[0] : group.controllerDirs[controller];
}

export function rootCgroupName(rootHash: string): string {
  if (!/^[0-9a-f]{12}$/.test(rootHash)) throw invalidArgument(`invalid root hash for a cgroup name: ${JSON.stringify(rootHash)}`);
  return `berth-${rootHash}`;
}

/** Hierarchy roots a v1 layout puts berth's groups in: [key, mount] deduplicated by mount. */
function v1Hierarchies(layout: Extract<CgroupLayout, { version: 1 }>): Array<[string, string]> {
  const seen = new Set<string>();
  const result: Array<[string, string]> = [];
  const keys: Array<[string, string | undefined]> = [
    ...[...V1_MANAGED_CONTROLLERS, ...V1_TRACKING_HIERARCHIES].map((name): [string, string | undefined] => [name, layout.controllers[name]]),
    [UNIFIED_KEY, layout.unifiedPath],
  ];
  for (const [key, mount] of keys) {
    if (mount === undefined || seen.has(mount)) continue;
    seen.add(mount);
    result.push([key, mount]);
  }
  return result;
}

/** Any child `name` of berth-<rootHash> (containers, monitors, or a stray one found on disk). */
export function namedCgroup(layout: CgroupLayout, rootHash: string, name: string): CgroupGroup {
  if (name === "" || name === "." || name === ".." || name.includes("/")) throw invalidArgument(`invalid cgroup name: ${JSON.stringify(name)}`);
  const parent = rootCgroupName(rootHash);
  const relativePath = `${parent}/${name}`;
  if (layout.version === 2) {
    const dir = `${layout.path}/${relativePath}`;
    return { layout, relativePath, dirs: [dir], parentDirs: [`${layout.path}/${parent}`], controllerDirs: {} };
  }
  const hierarchies = v1Hierarchies(layout);
  const controllerDirs: Record<string, string> = {};
  for (const [name, mount] of Object.entries(layout.controllers)) {
    if (hierarchies.some(([, used]) => used === mount)) controllerDirs[name] = `${mount}/${relativePath}`;
  }
  if (layout.unifiedPath !== undefined) controllerDirs[UNIFIED_KEY] = `${layout.unifiedPath}/${relativePath}`;
  return {
    layout,
    relativePath,
    dirs: hierarchies.map(([, mount]) => `${mount}/${relativePath}`),
    parentDirs: hierarchies.map(([, mount]) => `${mount}/${parent}`),
    controllerDirs,
  };
}

/** The cgroup of container `id` of the root whose hash is `rootHash`. */
export function containerCgroup(layout: CgroupLayout, rootHash: string, id: string): CgroupGroup {
  if (!/^[0-9a-zA-Z][0-9a-zA-Z_.-]{0,127}$/.test(id) || id === MONITORS_GROUP) {
    throw invalidArgument(`invalid container id for a cgroup name: ${JSON.stringify(id)}`);
  }
  return namedCgroup(layout, rootHash, id);
}

/** The group of the root's container monitors. */
export function monitorsCgroup(layout: CgroupLayout, rootHash: string): CgroupGroup {
  return namedCgroup(layout, rootHash, MONITORS_GROUP);
}

/** The `cgroup.procs` files a process writes its pid into to join a group (one per hierarchy). */
export function groupJoinFiles(group: CgroupGroup): string[] {
  return group.dirs.map((dir) => `${dir}/cgroup.procs`);
}

/** The `cgroup.procs` files of container `id`: the C helper's `--cgroup-procs` arguments. */
export function joinFiles(layout: CgroupLayout, rootHash: string, id: string): string[] {
  return groupJoinFiles(containerCgroup(layout, rootHash, id));
}

/** The `cgroup.procs` files a monitor writes its pid into, leaving its caller's cgroup. */
export function monitorJoinFiles(layout: CgroupLayout, rootHash: string): string[] {
  return groupJoinFiles(monitorsCgroup(layout, rootHash));
}
