import type { CgroupLimits } from "@berth/core";

// core's CgroupLimits (planCgroupLimits: docker's translation of the run flags, device rules
// always included) is what the plans take; these are the v1 → v2 conversions they need.

/** Docker's conversion of cgroup v1 cpu.shares to v2 cpu.weight: 1 + ((shares - 2) * 9999) / 262142. */
export function cpuSharesToWeight(shares: number): number {
  const clamped = Math.min(Math.max(shares, 2), 262144);
  return 1 + Math.floor(((clamped - 2) * 9999) / 262142);
}

/** The memory+swap limit to write, in bytes, with docker's default applied; -1 = unlimited. */
export function effectiveMemorySwap(limits: Pick<CgroupLimits, "memory" | "memorySwap">): number | undefined {
  if (limits.memory === undefined) return undefined;
  return limits.memorySwap === undefined || limits.memorySwap === 0 ? limits.memory * 2 : limits.memorySwap;
}
