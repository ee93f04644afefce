// A cross-process lock without flock: a file created with O_EXCL that holds its owner's pid.
// A lock whose owner died is broken, under a second short-lived lock so that two waiters can
// never both break it and then both believe they own it.
import { randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BerthError } from "@berth/core";

export interface LockFileOptions {
  /** Give up waiting for a live owner after this long; default 5 minutes. */
  timeoutMs?: number;
}

/** Tokens of the locks this process holds: a lock naming our own pid but another token is stale. */
const heldTokens = new Set<string>();
/** An empty lock file (its owner died between create and write) is stale after this long. */
const emptyLockGraceMs = 10_000;

export async function withLockFile<T>(path: string, use: () => Promise<T>, options: LockFileOptions = {}): Promise<T> {
  const token = await acquireLockFile(path, options.timeoutMs ?? 300_000);
  try {
    return await use();
  } finally {
    releaseLockFile(path, token);
  }
}

async function acquireLockFile(path: string, timeoutMs: number): Promise<string> {
  const token = `${process.pid} ${randomUUID()}`;
  const deadline = Date.now() + timeoutMs;
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    throw new BerthError("UNAVAILABLE", `cannot create lock ${path}: ${(error as Error).message}`, { cause: error });
  }
  for (let pollMs = 10; ; pollMs = Math.min(pollMs * 2, 200)) {
    if (tryCreate(path, token)) {
      heldTokens.add(token);
      return token;
    }
    const owner = readOwner(path);
    if (owner !== undefined && !isOwnerAlive(path, owner)) {
      breakStaleLock(path, owner);
      continue;
    }
    if (Date.now() > deadline) {
      throw new BerthError("UNAVAILABLE", `timed out waiting for lock ${path}, held by ${owner || "an unknown process"}`, {
        hint: `remove ${path} if no berth process is running`,
      });
    }
    await sleep(pollMs);
  }
}

function releaseLockFile(path: string, token: string): void {
  heldTokens.delete(token);
  if (readOwner(path) === token) unlinkSync(path);
}

/** Creates path holding content, or returns false when it exists. */
function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new BerthError("UNAVAILABLE", `cannot create lock ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's content ("<pid> <token>"), or undefined when there is no lock. */
function readOwner(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function isOwnerAlive(path: string, owner: string): boolean {
  const pid = Number(owner.split(" ")[0]);
  if (owner === "" || !Number.isInteger(pid) || pid <= 0) return isRecent(path);
  if (pid === process.pid) return heldTokens.has(owner);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isRecent(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < emptyLockGraceMs;
  } catch {
    return false;
  }
}

/**
 * Removes the lock if it still holds staleOwner. Breakers serialize on path.break; a breaker
 * that died inside this microsecond-long section is itself removed once its pid is gone.
 */
function breakStaleLock(path: string, staleOwner: string): void {
  const breakerPath = `${path}.break`;
  const token = `${process.pid} ${randomUUID()}`;
  if (!tryCreate(breakerPath, token)) {
    const breaker = readOwner(breakerPath);
    if (breaker !== undefined && !isOwnerAlive(breakerPath, breaker)) unlinkIfOwnedBy(breakerPath, breaker);
    return;
  }
  heldTokens.add(token);
  try {
    unlinkIfOwnedBy(path, staleOwner);
  } finally {
    heldTokens.delete(token);
    unlinkSync(breakerPath);
  }
}

function unlinkIfOwnedBy(path: string, owner: string): void {
  if (readOwner(path) !== owner) return;
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
