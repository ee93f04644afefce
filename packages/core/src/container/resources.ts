import { invalidArgument } from "../errors.js";
import { DEFAULT_DEVICE_RULES, PRIVILEGED_DEVICE_RULES, type DeviceRule } from "./runtime-defaults.js";

/** The resource flags of `run` as docker's HostConfig holds them (0 or absent = not set). */
export interface ContainerResources {
  /** `-m` bytes. */
  memory?: number;
  /** `--memory-swap` bytes of memory + swap; -1 = unlimited swap. */
  memorySwap?: number;
  /** `--cpus` × 1e9. */
  nanoCpus?: number;
  /** `-c, --cpu-shares`. */
  cpuShares?: number;
  /** `--pids-limit`; 0 or negative = unlimited. */
  pidsLimit?: number;
  /** `--oom-score-adj`. */
  oomScoreAdj?: number;
  /** `--shm-size` bytes. */
  shmSize?: number;
}

/** What the cgroup must say before the process exists (v1 semantics; the cgroups code maps to v2). */
export interface CgroupLimits {
  /** memory.limit_in_bytes (v2 memory.max). */
  memory?: number;
  /** memory + swap, memory.memsw.limit_in_bytes (v2: memory.swap.max = this − memory); -1 = unlimited. */
  memorySwap?: number;
  /** cpu.cfs_quota_us / cpu.cfs_period_us (v2 cpu.max "quota period"). */
  cpuQuota?: number;
  cpuPeriod?: number;
  /** cpu.shares (v2 cpu.weight = 1 + ((shares − 2) × 9999) / 262142). */
  cpuShares?: number;
  /** pids.max. */
  pidsLimit?: number;
  /** The devices cgroup, in order (v1 devices.allow/deny; v2 needs an eBPF program). */
  devices: DeviceRule[];
}

/** Below this docker refuses a memory limit (6 MiB). */
export const MIN_MEMORY_LIMIT = 6_291_456;
const CPU_PERIOD = 100_000;

/**
 * The daemon's checks of the resource flags (verifyPlatformContainerResources and friends), with
 * its messages: `Minimum memory limit allowed is 6MB`, `Minimum memoryswap limit should be larger
 * than memory limit, see usage`, `You should always set the Memory limit when using Memoryswap
 * limit, see usage`, `Range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available`,
 * `Invalid value 2000, range for oom score adj is [-1000, 1000]`, `SHM size can not be less than 0`.
 */
export function checkResources(resources: ContainerResources, host: { cpuCount: number }): void {
  const { memory = 0, memorySwap = 0, nanoCpus = 0, cpuShares = 0, oomScoreAdj = 0, shmSize = 0 } = resources;
  if (memory !== 0 && memory < MIN_MEMORY_LIMIT) throw invalidArgument("Minimum memory limit allowed is 6MB");
  if (memory > 0 && memorySwap > 0 && memorySwap < memory) {
    throw invalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  if (memory === 0 && memorySwap > 0) {
    throw invalidArgument("You should always set the Memory limit when using Memoryswap limit, see usage");
  }
  // Below 0.01 CPU the CFS quota would be under the kernel's 1 ms minimum (docker's message names
  // the bound; its daemon leaves the refusal to runc).
  if (nanoCpus < 0 || (nanoCpus > 0 && nanoCpus < 1e7) || nanoCpus > host.cpuCount * 1e9) {
    throw invalidArgument(
      `Range of CPUs is from 0.01 to ${host.cpuCount}.00, as there are only ${host.cpuCount} CPUs available`,
    );
  }
  if (cpuShares < 0) throw invalidArgument("shares: invalid argument");
  if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
    throw invalidArgument(`Invalid value ${oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  if (shmSize < 0) throw invalidArgument("SHM size can not be less than 0");
}

/**
 * docker's translation of the resource flags into cgroup values: swap defaults to twice the
 * memory limit, `--cpus` becomes a CFS quota over a 100 ms period, shares are clamped to 2…262144,
 * a pids limit ≤ 0 means none, and the device rules are docker's (all devices with --privileged).
 */
export function planCgroupLimits(resources: ContainerResources, options: { privileged?: boolean } = {}): CgroupLimits {
  const limits: CgroupLimits = { devices: [...(options.privileged === true ? PRIVILEGED_DEVICE_RULES : DEFAULT_DEVICE_RULES)] };
  const { memory = 0, memorySwap = 0, nanoCpus = 0, cpuShares = 0, pidsLimit = 0 } = resources;
  if (memory > 0) {
    limits.memory = memory;
    limits.memorySwap = memorySwap === 0 ? memory * 2 : memorySwap;
  }
  if (nanoCpus > 0) {
    limits.cpuPeriod = CPU_PERIOD;
    limits.cpuQuota = Math.trunc((nanoCpus * CPU_PERIOD) / 1e9);
  }
  if (cpuShares > 0) limits.cpuShares = Math.min(Math.max(cpuShares, 2), 262_144);
  if (pidsLimit > 0) limits.pidsLimit = pidsLimit;
  return limits;
}
