import { open, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { LogEntry, LogOptions } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { logFilesOldestFirst, parseLogLine } from "../native/json-log.js";
import { isActive } from "./container-exit.js";
import { containerPaths } from "./container-paths.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { findContainer, loadContainer } from "./container-store.js";
import { reconcileContainer } from "./container-cleanup.js";

// docker logs over the monitor's json-file log: the rotated files oldest first, then the current
// one, filtered by time, the last N entries, and with `follow` new entries as they are written
// (across a rotation) until the container stops or the caller aborts.

/** The monitor's default: json.log, json.log.1, json.log.2. */
const LOG_FILES = 3;
const FOLLOW_POLL_MS = 100;

interface Cursor {
  path: string;
  inode: number;
  offset: number;
  rest: string;
}

function toEntry(line: string): LogEntry {
  const parsed = parseLogLine(line);
  return { stream: parsed.stream, time: new Date(parsed.time), timestamp: parsed.time, line: Buffer.from(parsed.log) };
}

/** Complete lines of `path` from `cursor.offset` on; the cursor moves past them. */
async function readLines(cursor: Cursor): Promise<string[]> {
  const handle = await open(cursor.path, "r").catch(() => undefined);
  if (handle === undefined) return [];
  try {
    const { size, ino } = await handle.stat();
    if (ino !== cursor.inode || size <= cursor.offset) return [];
    const buffer = Buffer.alloc(size - cursor.offset);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, cursor.offset);
    cursor.offset += bytesRead;
    const text = cursor.rest + buffer.subarray(0, bytesRead).toString("utf8");
    const lines = text.split("\n");
    cursor.rest = lines.pop() ?? "";
    return lines.filter((line) => line.length > 0);
  } finally {
    await handle.close();
  }
}

async function cursorAt(path: string): Promise<Cursor | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info === undefined ? undefined : { path, inode: info.ino, offset: 0, rest: "" };
}

export async function* containerLogs(ctx: EngineContext, runtime: ContainerRuntime, text: string, options: LogOptions = {}): AsyncIterable<LogEntry> {
  const { id } = (await findContainer(ctx, text)).row;
  const logFile = containerPaths(ctx.paths, id).logFile;
  const keep = (entry: LogEntry) =>
    (options.since === undefined || entry.time >= options.since) && (options.until === undefined || entry.time <= options.until);

  let entries: LogEntry[] = [];
  let current: Cursor | undefined;
  for (const path of logFilesOldestFirst(logFile, LOG_FILES)) {
    const cursor = await cursorAt(path);
    if (cursor === undefined) continue;
    entries.push(...(await readLines(cursor)).map(toEntry).filter(keep));
    if (path === logFile) current = cursor;
  }
  if (options.tail !== undefined && options.tail >= 0) entries = options.tail === 0 ? [] : entries.slice(-options.tail);
  yield* entries;
  if (!options.follow) return;

  for (;;) {
    if (options.signal?.aborted || (options.until !== undefined && Date.now() > options.until.getTime())) return;
    const record = await loadContainer(ctx, id);
    const reconciled = record && (await reconcileContainer(ctx, runtime, record));
    const isRunning = reconciled !== undefined && isActive(reconciled.state);
    current ??= await cursorAt(logFile);
    if (current !== undefined) {
      const info = await stat(logFile).catch(() => undefined);
      if (info !== undefined && info.ino !== current.inode) {
        // rotated: finish the old file (now json.log.1, same inode), then start the new one
        current.path = `${logFile}.1`;
        for (const line of await readLines(current)) yield toEntry(line);
        current = { path: logFile, inode: info.ino, offset: 0, rest: "" };
      }
      for (const line of await readLines(current)) {
        const entry = toEntry(line);
        if (keep(entry)) yield entry;
      }
    }
    if (!isRunning) return;
    await sleep(FOLLOW_POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
