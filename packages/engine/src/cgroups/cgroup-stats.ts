import { keyedValue, parseCount, parseLimit, readIfExists } from "./cgroup-files.js";
import type { CgroupHost } from "./cgroup-host.js";
import { groupDir, type CgroupGroup } from "./cgroup-naming.js";

/** What `berth stats` shows, from the group's files. A controller that is missing reads as 0/null. */
export interface CgroupStats {
  /** CPU time of every process of the group, in nanoseconds. */
  cpuUsageNs: number;
  /** Bytes in use minus inactive file cache, as docker's CLI computes it. */
  memoryUsage: number;
  /** Bytes; null = unlimited (docker then shows the host's memory). */
  memoryLimit: number | null;
  pids: number;
  /** null = unlimited. */
  pidsLimit: number | null;
}

const path = (dir: string | undefined, file: string) => (dir === undefined ? undefined : `${dir}/${file}`);

export async function readCgroupStats(host: CgroupHost, group: CgroupGroup): Promise<CgroupStats> {
  const read = (controller: string, file: string) => readIfExists(host, path(groupDir(group, controller), file));
  const pids = parseCount(await read("pids", "pids.current"));
  const pidsLimit = parseLimit(await read("pids", "pids.max"));
  if (group.layout.version === 1) {
    const usage = parseCount(await read("memory", "memory.usage_in_bytes"));
    const inactive = parseCount(keyedValue(await read("memory", "memory.stat"), "total_inactive_file"));
    return {
      cpuUsageNs: parseCount(await read("cpuacct", "cpuacct.usage")),
      memoryUsage: inactive < usage ? usage - inactive : usage,
      memoryLimit: parseLimit(await read("memory", "memory.limit_in_bytes")),
      pids,
      pidsLimit,
    };
  }
  const usage = parseCount(await read("memory", "memory.current"));
  const inactive = parseCount(keyedValue(await read("memory", "memory.stat"), "inactive_file"));
  return {
    cpuUsageNs: parseCount(keyedValue(await read("cpu", "cpu.stat"), "usage_usec")) * 1000,
    memoryUsage: inactive < usage ? usage - inactive : usage,
    memoryLimit: parseLimit(await read("memory", "memory.max")),
    pids,
    pidsLimit,
  };
}

/**
 * True when the kernel's OOM killer killed a process of the group: `oom_kill N` in v1's
 * memory.oom_control (memory.failcnt on kernels before 4.13, which lack that line) or v2's
 * memory.events.
 */
export async function readOomKilled(host: CgroupHost, group: CgroupGroup): Promise<boolean> {
  const dir = groupDir(group, "memory");
  if (group.layout.version === 2) return parseCount(keyedValue(await readIfExists(host, path(dir, "memory.events")), "oom_kill")) > 0;
  const kills = keyedValue(await readIfExists(host, path(dir, "memory.oom_control")), "oom_kill");
  if (kills !== undefined) return parseCount(kills) > 0;
  return parseCount(await readIfExists(host, path(dir, "memory.failcnt"))) > 0;
}
