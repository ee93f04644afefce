import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BerthError } from "@berth/core";

// Cross-process exclusive locks (Node has no flock), used for migrations here and for the
// engine's store and object mutations. A lock is a file holding {pid, startTime, token}; it appears
// atomically with its content (written to a temp name, then link(2), which fails with EEXIST
// when the lock is held). The start time from /proc/<pid>/stat tells a recycled pid from the
// owner, so a lock whose owner is dead is recovered. Not reentrant: a nested withLock on the
// same name waits for itself until the timeout.
//
// Recovery moves the stale file aside with rename(2) and checks it moved the file it judged
// stale; if a live lock was moved instead (another waiter recovered first and a third process
// took the lock in that window) it is linked back. The remaining window needs three
// processes racing within microseconds after a crash.

export interface LockFileOptions {
  /** How long one live holder may keep the lock before a waiter gives up, in ms (default 30 s). */
  timeoutMs?: number;
}

interface LockContent {
  pid: number;
  startTime: number;
  token: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Start time of a live process in clock ticks since boot (field 22 of /proc/<pid>/stat). */
export async function processStartTime(pid: number): Promise<number | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  if (state === "Z" || state === "X") return undefined;
  const startTime = Number(fields[19]);
  return Number.isFinite(startTime) ? startTime : undefined;
}

let ownStartTime: number | undefined;

async function ownerIdentity(): Promise<{ pid: number; startTime: number }> {
  ownStartTime ??= await processStartTime(process.pid);
  if (ownStartTime === undefined) throw new BerthError("INTERNAL", "cannot read /proc/self/stat");
  return { pid: process.pid, startTime: ownStartTime };
}

function parseContent(text: string): LockContent | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    if (typeof value.pid === "number" && typeof value.startTime === "number" && typeof value.token === "string") {
      return value as LockContent;
    }
  } catch {
    // fall through: unreadable content means the writer died before fsync (host crash)
  }
  return undefined;
}

async function readLockFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function isStale(content: LockContent | undefined): Promise<boolean> {
  if (content === undefined) return true;
  return (await processStartTime(content.pid)) !== content.startTime;
}

async function recoverStaleLock(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if ((await readLockFile(aside)) !== staleText) {
    await link(aside, path).catch(() => undefined);
  }
  await unlink(aside);
}

async function tryCreate(path: string, text: string): Promise<boolean> {
  const temp = `${path}.new-${process.pid}-${randomBytes(6).toString("hex")}`;
  await writeFile(temp, text, { mode: 0o644, flag: "wx" });
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temp);
  }
}

/**
 * Waits while the lock changes hands, however long the queue: the timeout counts from when the
 * current holder was first seen, so only a holder that keeps the lock for `timeoutMs` fails the
 * wait (a burst of processes polling an unfair lock would otherwise starve the unlucky ones).
 */
async function acquire(path: string, text: string, timeoutMs: number): Promise<void> {
  let deadline = Date.now() + timeoutMs;
  let seenHolder: string | undefined;
  let delay = 5;
  for (;;) {
    if (await tryCreate(path, text)) return;
    const holderText = await readLockFile(path);
    if (holderText === undefined) continue;
    const holder = parseContent(holderText);
    if (await isStale(holder)) {
      await recoverStaleLock(path, holderText);
      continue;
    }
    if (holderText !== seenHolder) {
      if (seenHolder !== undefined) deadline = Date.now() + timeoutMs;
      seenHolder = holderText;
    }
    if (Date.now() >= deadline) {
      throw new BerthError(
        "UNAVAILABLE",
        `timed out after ${timeoutMs} ms waiting for lock ${path} held by pid ${holder?.pid ?? "unknown"}`,
        { hint: "another berth process is changing the same object; retry when it has finished" },
      );
    }
    await sleep(delay + Math.random() * (delay / 2));
    delay = Math.min(Math.ceil(delay * 1.5), 200);
  }
}

/** Runs `fn` while holding the exclusive lock file `path` (its directory is created if missing). */
export async function withLockFile<T>(path: string, fn: () => Promise<T> | T, options: LockFileOptions = {}): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const content: LockContent = { ...(await ownerIdentity()), token: randomBytes(8).toString("hex") };
  const text = JSON.stringify(content);
  await acquire(path, text, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    return await fn();
  } finally {
    if ((await readLockFile(path)) === text) await unlink(path);
  }
}
