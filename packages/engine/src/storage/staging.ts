import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { link, lstat, mkdir, open, readdir, rename, rm, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { BerthError } from "@berth/core";
import { listMountPoints } from "./mountinfo.js";
import { runTool } from "../host/run-tool.js";

// Staging: everything is written under <root>/tmp/<purpose>-<pid>-<random> and renamed into
// place. The owner pid in the name lets a later process sweep what a dead process left behind.

const PURPOSE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const STAGING_NAME = /^([a-z0-9][a-z0-9-]*)-([1-9][0-9]*)-([0-9a-f]{16})$/;

export function stagingRoot(root: string): string {
  return join(resolve(root), "tmp");
}

/** Makes `<root>/tmp/<purpose>-<pid>-<random>` (mode 0700) and returns its absolute path. */
export async function createStagingDir(root: string, purpose: string): Promise<string> {
  if (!PURPOSE.test(purpose)) {
    throw new BerthError("INVALID_ARGUMENT", `invalid staging purpose ${JSON.stringify(purpose)}`);
  }
  const tmp = stagingRoot(root);
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const path = join(tmp, `${purpose}-${process.pid}-${randomBytes(8).toString("hex")}`);
  await mkdir(path, { mode: 0o700 });
  return path;
}

/** The pid that owns a staging entry, from its name; undefined for names that are not ours. */
export function stagingOwnerPid(name: string): number | undefined {
  const match = STAGING_NAME.exec(name);
  return match ? Number(match[2]) : undefined;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes staging entries whose owner pid is dead: one readdir, one liveness probe per entry.
 * Live owners' entries are never touched, nor is anything with a mount inside it (left for
 * `berth system check`). Returns the removed paths.
 */
export async function sweepStaging(root: string): Promise<string[]> {
  const tmp = stagingRoot(root);
  let names: string[];
  try {
    names = await readdir(tmp);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const dead = names.filter((name) => {
    const pid = stagingOwnerPid(name);
    return pid !== undefined && !isProcessAlive(pid);
  });
  if (dead.length === 0) return [];
  const mounts = await listMountPoints();
  const removed: string[] = [];
  for (const name of dead) {
    const path = join(tmp, name);
    if (mounts.some((mount) => mount === path || mount.startsWith(`${path}/`))) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

export async function fsyncPath(path: string, flags = constants.O_RDONLY): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a staged file or directory durable and moves it to `finalPath`, which must not exist.
 * A directory is flushed with one syncfs (`sync -f`), not one fsync per file. If `finalPath`
 * already exists (another process won the race), the staged copy is discarded and "exists" is
 * returned; nothing is ever replaced.
 */
/** Flushes the whole filesystem holding `path` to disk: one syncfs, however many files were staged. */
export async function syncFilesystem(path: string): Promise<void> {
  const result = await runTool("sync", ["-f", path]);
  if (result.exitCode !== 0) throw new BerthError("INTERNAL", `flushing ${path} to disk failed: ${result.stderr || result.message}`);
}

export interface CommitOptions {
  /** The staged content was already flushed (syncFilesystem after staging, outside any lock). */
  isSynced?: boolean;
}

export async function commitStaged(staged: string, finalPath: string, options: CommitOptions = {}): Promise<"committed" | "exists"> {
  if (!isAbsolute(staged) || !isAbsolute(finalPath)) {
    throw new BerthError("INVALID_ARGUMENT", "commitStaged needs absolute paths");
  }
  const stats = await lstat(staged);
  await mkdir(dirname(finalPath), { recursive: true, mode: 0o755 });
  if (await pathExists(finalPath)) {
    await rm(staged, { recursive: true, force: true });
    return "exists";
  }
  if (!options.isSynced) {
    if (stats.isDirectory()) await syncFilesystem(staged);
    else if (stats.isFile()) await fsyncPath(staged);
  }
  const outcome = stats.isDirectory() ? await commitDirectory(staged, finalPath) : await commitFile(staged, finalPath);
  if (outcome === "exists") {
    await rm(staged, { recursive: true, force: true });
    return "exists";
  }
  await fsyncPath(dirname(finalPath));
  return "committed";
}

async function commitDirectory(staged: string, finalPath: string): Promise<"committed" | "exists"> {
  try {
    await rename(staged, finalPath);
    return "committed";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOTDIR") return "exists";
    throw error;
  }
}

async function commitFile(staged: string, finalPath: string): Promise<"committed" | "exists"> {
  try {
    // link(2) never replaces an existing name, unlike rename(2): the atomic "no replace" we need.
    await link(staged, finalPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return "exists";
    throw error;
  }
  await unlink(staged);
  return "committed";
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
