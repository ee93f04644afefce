import { formatBinarySize, formatHumanSize, type ContainerStatsEntry } from "@berth/core";

/** One line of `stats`, with docker's field names for `--format`. */
export interface StatsRow {
  /** The name or ID as the user gave it, else the short ID. */
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export const statsHeaderNames = {
  Container: "CONTAINER",
  ID: "CONTAINER ID",
  Name: "NAME",
  CPUPerc: "CPU %",
  MemUsage: "MEM USAGE / LIMIT",
  MemPerc: "MEM %",
  NetIO: "NET I/O",
  BlockIO: "BLOCK I/O",
  PIDs: "PIDS",
} as const;

export const defaultStatsTableFormat =
  "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

const percent = (value: number) => `${value.toFixed(2)}%`;
const pair = (a: string, b: string) => `${a} / ${b}`;

/**
 * docker's stats formatter: CPU and memory % with two decimals, memory in binary units
 * (units.BytesSize), network and block I/O in decimal ones (HumanSizeWithPrecision 3).
 */
export function buildStatsRows(entries: readonly ContainerStatsEntry[], options: { isTruncated: boolean; asGiven?: readonly string[] }): StatsRow[] {
  return entries.map((entry, index) => {
    const id = options.isTruncated ? entry.id.slice(0, 12) : entry.id;
    return {
      Container: options.asGiven?.[index] ?? id,
      ID: id,
      Name: entry.name,
      CPUPerc: percent(entry.cpuPercent),
      MemUsage: pair(formatBinarySize(entry.memoryUsage), formatBinarySize(entry.memoryLimit)),
      MemPerc: percent(entry.memoryPercent),
      NetIO: pair(formatHumanSize(entry.netRx), formatHumanSize(entry.netTx)),
      BlockIO: pair(formatHumanSize(entry.blockRead), formatHumanSize(entry.blockWrite)),
      PIDs: String(entry.pids),
    };
  });
}
