import { invalidArgument } from "@berth/core";

/** One device cgroup rule, as docker's `--device-cgroup-rule` (`c 1:3 rwm`) spells it. */
export interface CgroupDeviceRule {
  allow: boolean;
  /** `a` = every device (then major, minor and access are ignored). */
  type: "a" | "b" | "c";
  major?: number | "*";
  minor?: number | "*";
  /** Some of `r`, `w`, `m`; default `rwm`. */
  access?: string;
}

/**
 * The limits of one container, in docker's units (HostConfig). The engine maps core's start plan
 * onto this.
 */
export interface CgroupLimits {
  /** Bytes of memory (`-m`). */
  memory?: number;
  /**
   * Bytes of memory plus swap (`--memory-swap`); -1 = unlimited swap. Unset with `memory` set
   * means docker's default, twice the memory.
   */
  memorySwap?: number;
  /** CFS quota in microseconds per period (`--cpus 0.5` → 50000); -1 = none. */
  cpuQuota?: number;
  /** CFS period in microseconds; 100000 when only a quota is given. */
  cpuPeriod?: number;
  /** Relative CPU weight (`--cpu-shares`, 2…262144; 0 = the default). */
  cpuShares?: number;
  /** Most tasks (`--pids-limit`); 0 or -1 = unlimited. */
  pidsLimit?: number;
  /**
   * The complete, ordered device rules (v1 only; v2 has no devices controller): core's start plan
   * carries docker's and runc's defaults plus `--device` / `--device-cgroup-rule` (or allow-all
   * for `--privileged`), and its `DeviceRule` fits this type. Unset: `FALLBACK_DEVICE_RULES`.
   */
  devices?: readonly CgroupDeviceRule[];
}

/**
 * The rules used when the caller gives none. Docker's default device cgroup (formats.md §9):
 * deny everything, then allow zero, null, urandom, random, tty and console; plus /dev/full (one
 * of the runtime-spec default nodes the rootfs binds in, which would otherwise be unusable) and
 * ptys (`/dev/pts/*` and `/dev/ptmx`); then deny fuse.
 */
export const FALLBACK_DEVICE_RULES: readonly CgroupDeviceRule[] = [
  { allow: false, type: "a" },
  { allow: true, type: "c", major: 1, minor: 5, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 3, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 9, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 8, access: "rwm" },
  { allow: true, type: "c", major: 5, minor: 0, access: "rwm" },
  { allow: true, type: "c", major: 5, minor: 1, access: "rwm" },
  { allow: true, type: "c", major: 1, minor: 7, access: "rwm" },
  { allow: true, type: "c", major: 136, minor: "*", access: "rwm" },
  { allow: true, type: "c", major: 5, minor: 2, access: "rwm" },
  { allow: false, type: "c", major: 10, minor: 229, access: "rwm" },
];

/** The line written to devices.allow/devices.deny: `a`, or `c 1:3 rwm`. */
export function formatDeviceRule(rule: CgroupDeviceRule): string {
  if (rule.type === "a") return "a";
  const access = rule.access ?? "rwm";
  const number = (value: number | "*" | undefined) => (value === undefined ? "*" : String(value));
  if (!/^[rwm]{1,3}$/.test(access) || [rule.major, rule.minor].some((n) => typeof n === "number" && !(Number.isInteger(n) && n >= 0))) {
    throw invalidArgument(`invalid device cgroup rule: ${JSON.stringify(rule)}`);
  }
  return `${rule.type} ${number(rule.major)}:${number(rule.minor)} ${access}`;
}

/** Docker's conversion of cgroup v1 cpu.shares to v2 cpu.weight: 1 + ((shares - 2) * 9999) / 262142. */
export function cpuSharesToWeight(shares: number): number {
  const clamped = Math.min(Math.max(shares, 2), 262144);
  return 1 + Math.floor(((clamped - 2) * 9999) / 262142);
}

/** The memory+swap limit to write, in bytes, with docker's default applied; -1 = unlimited. */
export function effectiveMemorySwap(limits: CgroupLimits): number | undefined {
  if (limits.memory === undefined) return undefined;
  return limits.memorySwap === undefined || limits.memorySwap === 0 ? limits.memory * 2 : limits.memorySwap;
}

/** Refuses limits the kernel would reject, with docker's messages. */
export function validateCgroupLimits(limits: CgroupLimits): void {
  const integers: Array<[string, number | undefined]> = [
    ["memory", limits.memory], ["memory-swap", limits.memorySwap], ["cpu-quota", limits.cpuQuota],
    ["cpu-period", limits.cpuPeriod], ["cpu-shares", limits.cpuShares], ["pids-limit", limits.pidsLimit],
  ];
  for (const [name, value] of integers) {
    if (value !== undefined && !Number.isSafeInteger(value)) throw invalidArgument(`invalid ${name}: ${value}`);
  }
  if (limits.memory !== undefined && limits.memory <= 0) throw invalidArgument(`invalid memory: ${limits.memory}`);
  const swap = limits.memorySwap;
  if (swap !== undefined && swap !== 0 && swap !== -1) {
    if (limits.memory === undefined) throw invalidArgument("You should always set the Memory limit when using Memoryswap limit, see usage");
    if (swap < limits.memory) throw invalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  if (limits.cpuPeriod !== undefined && limits.cpuPeriod !== 0 && (limits.cpuPeriod < 1000 || limits.cpuPeriod > 1_000_000)) {
    throw invalidArgument("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  }
  if (limits.cpuQuota !== undefined && limits.cpuQuota > 0 && limits.cpuQuota < 1000) {
    throw invalidArgument("CPU cfs quota can not be less than 1ms (i.e. 1000)");
  }
  for (const rule of limits.devices ?? []) formatDeviceRule(rule);
}
