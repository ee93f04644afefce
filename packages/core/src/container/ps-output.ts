import { BerthError } from "../errors.js";
import type { ContainerTop } from "../service/containers.js";

// `top`: the host's `ps` output narrowed to a container's processes, the way docker reads it.

/**
 * Keeps the rows of `ps` output whose PID column is one of `pids`. The titles are the header's
 * words; the last column (CMD, COMMAND…) takes the rest of the line, spaces included. A thread
 * row (`-` as its PID, from `ps -m`) follows the process row before it. Throws INTERNAL
 * `Couldn't find PID field in ps output` when the options leave no PID column, as docker does.
 */
export function filterPsOutput(output: string, pids: ReadonlySet<number>): ContainerTop {
  const [header = "", ...lines] = output.split("\n");
  const titles = header.trim().split(/\s+/).filter((title) => title !== "");
  const pidIndex = titles.indexOf("PID");
  if (pidIndex < 0) throw new BerthError("INTERNAL", "Couldn't find PID field in ps output");
  const processes: string[][] = [];
  let isPreviousKept = false;
  for (const line of lines) {
    const fields = line.trim().split(/\s+/).filter((field) => field !== "");
    if (fields.length === 0) continue;
    const pidText = fields[pidIndex] ?? "";
    if (pidText === "-") {
      if (isPreviousKept) processes.push(toRow(fields, titles.length));
      continue;
    }
    if (!/^\d+$/.test(pidText)) throw new BerthError("INTERNAL", `Unexpected pid '${pidText}' in ps output`);
    isPreviousKept = pids.has(Number(pidText));
    if (isPreviousKept) processes.push(toRow(fields, titles.length));
  }
  return { titles, processes };
}

function toRow(fields: string[], columns: number): string[] {
  return [...fields.slice(0, columns - 1), fields.slice(columns - 1).join(" ")];
}
