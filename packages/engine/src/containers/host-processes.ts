import { closeSync, constants, readFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { openDirectory, pathAt, resolveInRoot } from "../layers/fd-paths.js";

// Small host checks the container service makes: is a pid still the process we started, wait
// for a condition, and read a file of the container's root without leaving it.

/** Alive and not a zombie (a reaped-later child of a dead monitor counts as gone). */
export function isProcessRunning(pid: number): boolean {
  if (!(pid > 0)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** The monitor of container `id`: a live berth-init whose argv names the container (pids get reused). */
export function isMonitorRunning(pid: number, id: string): boolean {
  if (!isProcessRunning(pid)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return argv[1] === "monitor" && argv.some((arg) => arg.includes(id));
  } catch {
    return false;
  }
}

/** Polls `check` every `intervalMs` until it holds (true) or `timeoutMs` passes (false); -1 waits forever. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 10): Promise<boolean> {
  const deadline = timeoutMs < 0 ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
  let delay = Math.min(intervalMs, 5);
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, intervalMs);
  }
}

/**
 * A regular file of a container's root (the merged rootfs) as text, resolved with chroot
 * semantics through descriptors (fd-paths.ts), so a symlink the image planted cannot point it at
 * a host file; undefined when it is missing, not a regular file, or larger than `maxBytes`.
 */
export async function readFileInRoot(root: string, path: string, maxBytes = 1 << 20): Promise<string | undefined> {
  const rootFd = openDirectory(root);
  try {
    const found = resolveInRoot(rootFd, path, true);
    try {
      if (!found.stats?.isFile() || found.stats.size > maxBytes) return undefined;
      const handle = await open(pathAt(found.parentFd, found.name), constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        return (await handle.readFile("utf8")).slice(0, maxBytes);
      } finally {
        await handle.close();
      }
    } finally {
      closeSync(found.parentFd);
    }
  } catch {
    return undefined;
  } finally {
    closeSync(rootFd);
  }
}
