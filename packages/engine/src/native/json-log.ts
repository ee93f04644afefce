import { BerthError } from "@berth/core";
import * as z from "zod";

/** One line of docker's json-file log as the monitor writes it. */
export interface LogEntry {
  /** The line including its "\n"; a partial line (16 KiB, or the end of output) has none. */
  log: string;
  stream: "stdout" | "stderr";
  /** RFC 3339 with nanoseconds, UTC. */
  time: string;
}

const logEntrySchema = z.object({
  log: z.string(),
  stream: z.enum(["stdout", "stderr"]),
  time: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/),
});

export function parseLogLine(line: string): LogEntry {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    throw new BerthError("DATA_CORRUPTED", `log line is not JSON: ${JSON.stringify(line.slice(0, 80))}`, { cause });
  }
  const parsed = logEntrySchema.safeParse(json);
  if (!parsed.success) throw new BerthError("DATA_CORRUPTED", `log line is malformed: ${parsed.error.message}`);
  return parsed.data;
}

/** The log files of a container, oldest first: F.(n-1) … F.1, F. */
export function logFilesOldestFirst(logFile: string, maxFiles: number): string[] {
  const rotated = Array.from({ length: Math.max(0, maxFiles - 1) }, (_, i) => `${logFile}.${maxFiles - 1 - i}`);
  return [...rotated, logFile];
}
