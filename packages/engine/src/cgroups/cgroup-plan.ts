import { BerthError, formatDeviceRule, type CgroupLimits } from "@berth/core";
import type { CgroupLayout } from "./cgroup-driver.js";
import { errnoCode, type CgroupHost } from "./cgroup-host.js";
import { cpuSharesToWeight, effectiveMemorySwap } from "./cgroup-limits.js";
import { containerCgroup, monitorsCgroup, type CgroupGroup } from "./cgroup-naming.js";

export type CgroupOp =
  | { op: "mkdir"; path: string }
  /** `ifExists`: skipped when the file is missing (swap limits without swap accounting, as docker does). */
  | { op: "write"; path: string; value: string; ifExists?: true };

export interface CgroupPlan {
  group: CgroupGroup;
  /** In order: parents before children, every limit before any process can join. */
  ops: CgroupOp[];
  /**
   * No devices controller guards this group (always so on v2): the engine must mount the
   * container's rootfs, /dev and volumes `nodev` so a node made with mknod cannot be opened.
   */
  needsNodevMounts: boolean;
}

/** The v2 controllers berth enables for its groups (limits and stats), when the root offers them. */
const V2_CONTROLLERS = ["cpu", "memory", "pids"] as const;

function unavailable(controller: string, what: string): BerthError {
  return new BerthError("UNAVAILABLE", `Your kernel does not support ${what}: the ${controller} cgroup controller is not available`, {
    hint: `enable the ${controller} controller (cgroup v1 mount or cgroup2 cgroup.subtree_control) or drop the limit`,
  });
}

function planV1Limits(group: CgroupGroup, limits: CgroupLimits): CgroupOp[] {
  const ops: CgroupOp[] = [];
  const dir = (controller: string, what: string) => {
    const found = group.controllerDirs[controller];
    if (found === undefined) throw unavailable(controller, what);
    return found;
  };
  const write = (path: string, value: string | number) => ops.push({ op: "write", path, value: String(value) });
  if (limits.memory !== undefined) {
    const memory = dir("memory", "memory limit");
    write(`${memory}/memory.limit_in_bytes`, limits.memory);
    const swap = effectiveMemorySwap(limits);
    if (swap !== undefined) ops.push({ op: "write", path: `${memory}/memory.memsw.limit_in_bytes`, value: String(swap), ifExists: true });
  }
  const quota = limits.cpuQuota ?? -1;
  if (quota > 0 || (limits.cpuPeriod ?? 0) > 0) {
    const cpu = dir("cpu", "CPU CFS scheduler");
    write(`${cpu}/cpu.cfs_period_us`, limits.cpuPeriod || 100_000);
    if (quota > 0) write(`${cpu}/cpu.cfs_quota_us`, quota);
  }
  if ((limits.cpuShares ?? 0) > 0) write(`${dir("cpu", "CPU shares")}/cpu.shares`, limits.cpuShares ?? 0);
  if ((limits.pidsLimit ?? 0) > 0) write(`${dir("pids", "PIDs limit")}/pids.max`, limits.pidsLimit ?? 0);
  const devices = group.controllerDirs.devices;
  if (devices !== undefined) {
    for (const rule of limits.devices) {
      write(`${devices}/devices.${rule.allow ? "allow" : "deny"}`, formatDeviceRule(rule));
    }
  }
  return ops;
}

function planV2Limits(dir: string, limits: CgroupLimits): CgroupOp[] {
  const ops: CgroupOp[] = [];
  const write = (file: string, value: string | number) => ops.push({ op: "write", path: `${dir}/${file}`, value: String(value) });
  if (limits.memory !== undefined) {
    write("memory.max", limits.memory);
    const swap = effectiveMemorySwap(limits);
    if (swap !== undefined) {
      // v2 limits swap alone, v1 memory plus swap: the difference, as runc converts it.
      ops.push({ op: "write", path: `${dir}/memory.swap.max`, value: swap === -1 ? "max" : String(swap - limits.memory), ifExists: true });
    }
  }
  const quota = limits.cpuQuota ?? -1;
  if (quota > 0 || (limits.cpuPeriod ?? 0) > 0) write("cpu.max", `${quota > 0 ? quota : "max"} ${limits.cpuPeriod || 100_000}`);
  if ((limits.cpuShares ?? 0) > 0) write("cpu.weight", cpuSharesToWeight(limits.cpuShares ?? 0));
  if ((limits.pidsLimit ?? 0) > 0) write("pids.max", limits.pidsLimit ?? 0);
  return ops;
}

/** Controllers the limits cannot do without, by the v2 name. */
function requiredV2Controllers(limits: CgroupLimits): Array<[string, string]> {
  const required: Array<[string, string]> = [];
  if (limits.memory !== undefined) required.push(["memory", "memory limit"]);
  if ((limits.cpuQuota ?? -1) > 0 || (limits.cpuPeriod ?? 0) > 0 || (limits.cpuShares ?? 0) > 0) required.push(["cpu", "CPU limits"]);
  if ((limits.pidsLimit ?? 0) > 0) required.push(["pids", "PIDs limit"]);
  return required;
}

/** mkdir of the parents and the group; on v2, the controllers enabled down to the group. */
function planGroupDirs(group: CgroupGroup, required: Array<[string, string]>): CgroupOp[] {
  const { layout } = group;
  if (layout.version === 1) {
    return group.dirs.flatMap((dir, i): CgroupOp[] => [{ op: "mkdir", path: group.parentDirs[i] ?? "" }, { op: "mkdir", path: dir }]);
  }
  const available = layout.controllers ?? V2_CONTROLLERS;
  for (const [controller, what] of required) if (!available.includes(controller)) throw unavailable(controller, what);
  const parent = group.parentDirs[0] ?? "";
  const enable = V2_CONTROLLERS.filter((controller) => available.includes(controller));
  const ops: CgroupOp[] = [{ op: "mkdir", path: parent }];
  if (enable.length > 0) {
    const value = enable.map((controller) => `+${controller}`).join(" ");
    ops.push({ op: "write", path: `${layout.path}/cgroup.subtree_control`, value });
    ops.push({ op: "write", path: `${parent}/cgroup.subtree_control`, value });
  }
  ops.push({ op: "mkdir", path: group.dirs[0] ?? "" });
  return ops;
}

/** No devices controller on this layout (always so on v2): container mounts must be nodev. */
export function needsNodevMounts(layout: CgroupLayout): boolean {
  return layout.version === 2 || layout.controllers.devices === undefined;
}

/**
 * The cgroup of container `id` with its limits written, as data; `performCgroupPlan` runs it.
 * The limits are core's (planCgroupLimits over values checkResources accepted): the kernel
 * refusing one anyway surfaces as performCgroupPlan's INTERNAL error naming the file.
 */
export function planCgroupCreate(layout: CgroupLayout, rootHash: string, id: string, limits: CgroupLimits): CgroupPlan {
  const group = containerCgroup(layout, rootHash, id);
  if (layout.version === 2) {
    const ops = [...planGroupDirs(group, requiredV2Controllers(limits)), ...planV2Limits(group.dirs[0] ?? "", limits)];
    return { group, ops, needsNodevMounts: needsNodevMounts(layout) };
  }
  const ops = [...planGroupDirs(group, []), ...planV1Limits(group, limits)];
  return { group, ops, needsNodevMounts: needsNodevMounts(layout) };
}

/** The root's monitors group (no limits): made before a monitor writes its pid into it. */
export function planMonitorsCgroupCreate(layout: CgroupLayout, rootHash: string): CgroupPlan {
  const group = monitorsCgroup(layout, rootHash);
  return { group, ops: planGroupDirs(group, []), needsNodevMounts: false };
}

export interface CgroupPlanResult {
  /** Optional writes left out because the kernel lacks the file (e.g. no swap accounting). */
  skipped: CgroupOp[];
}

class ParentVanished extends Error {}

async function performOnce(plan: CgroupPlan, host: CgroupHost, canRetry: boolean): Promise<CgroupPlanResult> {
  const skipped: CgroupOp[] = [];
  for (const op of plan.ops) {
    try {
      if (op.op === "mkdir") {
        await host.mkdir(op.path);
      } else if (op.ifExists && !(await host.exists(op.path))) {
        skipped.push(op);
      } else {
        await host.writeFile(op.path, op.value);
      }
    } catch (error) {
      // A concurrent removal of the (then empty) berth-<hash> parent: start again from the top.
      if (canRetry && op.op === "mkdir" && errnoCode(error) === "ENOENT") throw new ParentVanished();
      const what = op.op === "mkdir" ? `create ${op.path}` : `write ${JSON.stringify(op.value)} to ${op.path}`;
      throw new BerthError("INTERNAL", `cgroup: cannot ${what}: ${errnoCode(error) ?? String(error)}`, { cause: error });
    }
  }
  return { skipped };
}

/**
 * Performs a plan through the host seam, in order. Not transactional: on failure the caller
 * removes the half-made group with `removeCgroup`, which tolerates it.
 */
export async function performCgroupPlan(plan: CgroupPlan, host: CgroupHost): Promise<CgroupPlanResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await performOnce(plan, host, attempt < 3);
    } catch (error) {
      if (!(error instanceof ParentVanished)) throw error;
    }
  }
}
