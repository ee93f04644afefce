// `stats` from raw readings: the host's and the container's CPU time between two samples, and the
// network counters of the container's namespace (/proc/<pid>/net/dev), as docker computes them.

/** One reading of a container and of the host at the same moment. */
export interface StatsSample {
  /** The container's CPU time, nanoseconds. */
  cpuNs: number;
  /** The host's CPU time (every state of every CPU in /proc/stat), nanoseconds. */
  systemNs: number;
}

/** Linux's USER_HZ, the unit of /proc/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The first `cpu` line of /proc/stat summed (user … steal), in nanoseconds, like docker's getSystemCPUUsage. */
export function parseSystemCpuNs(procStat: string): number {
  const line = procStat.split("\n").find((entry) => entry.startsWith("cpu "));
  if (line === undefined) return 0;
  const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((sum, field) => sum + (Number(field) || 0), 0);
  return (ticks * 1e9) / CLOCK_TICKS_PER_SECOND;
}

/**
 * docker's calculateCPUPercentUnix: the container's share of the host's CPU time between two
 * samples, times the online CPUs, in percent; 0 when either delta is not positive.
 */
export function cpuPercent(previous: StatsSample, current: StatsSample, onlineCpus: number): number {
  const cpuDelta = current.cpuNs - previous.cpuNs;
  const systemDelta = current.systemNs - previous.systemNs;
  if (cpuDelta <= 0 || systemDelta <= 0) return 0;
  return (cpuDelta / systemDelta) * onlineCpus * 100;
}

/** Usage over limit in percent; 0 without a limit. */
export function memoryPercent(usage: number, limit: number): number {
  return limit > 0 ? (usage / limit) * 100 : 0;
}

/**
 * Bytes received and sent by the namespace's interfaces from /proc/<pid>/net/dev, loopback left
 * out: docker counts the container's network endpoints only.
 */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.slice(0, colon).trim() === "lo") continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    rx += fields[0] || 0;
    tx += fields[8] || 0;
  }
  return { rx, tx };
}
