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
  /** Bytes read from and written to block devices: v2 `io.stat` (0 without the io controller, and on v1, where berth makes no blkio group). */
  blockRead: number;
  blockWrite: number;
}

/** The rbytes and wbytes of every device in a v2 `io.stat` (`8:0 rbytes=N wbytes=N rios=N …` lines), summed. */
function parseIoStat(text: string | undefined): { blockRead: number; blockWrite: number } {
  let blockRead = 0;
  let blockWrite = 0;
  for (const match of (text ?? "").matchAll(/\b([rw])bytes=(\d+)/g)) {
    if (match[1] === "r") blockRead += Number(match[2]);
    else blockWrite += Number(match[2]);
  }
  return { blockRead, blockWrite };
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
      blockRead: 0,
      blockWrite: 0,
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
    ...parseIoStat(await read("io", "io.stat")),
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
