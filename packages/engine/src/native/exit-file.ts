import { readFile } from "node:fs/promises";
import { BerthError } from "@berth/core";
import * as z from "zod";

/** What the monitor writes when its child has exited. */
export interface ExitRecord {
  /** The exit status, or 128+N when killed by signal N (docker's convention). */
  exitCode: number;
  /** The killing signal's number, or null on a normal exit. */
  signal: number | null;
  /** RFC 3339 with nanoseconds, UTC. */
  finishedAt: string;
  /** Always false from the monitor: the engine decides from the memory cgroup's counters. */
  oomKilled: boolean;
  /** Why the init could not exec the command (`exec: "x": …`, docker's wording); absent when it ran. */
  execError?: string;
}

const exitRecordSchema = z.object({
  exitCode: z.number().int().min(0).max(255),
  signal: z.number().int().min(1).max(64).nullable(),
  finishedAt: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/),
  oomKilled: z.boolean(),
  execError: z.string().optional(),
});

export function parseExitFile(text: string): ExitRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new BerthError("DATA_CORRUPTED", `exit file is not JSON: ${JSON.stringify(text.slice(0, 80))}`, { cause });
  }
  const parsed = exitRecordSchema.safeParse(json);
  if (!parsed.success) throw new BerthError("DATA_CORRUPTED", `exit file is malformed: ${parsed.error.message}`);
  return parsed.data;
}

/** The exit record, or undefined while there is none (the child runs, or the monitor died). */
export async function readExitFile(path: string): Promise<ExitRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseExitFile(text);
}
