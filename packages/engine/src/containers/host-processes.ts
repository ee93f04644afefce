import { constants, readFileSync } from "node:fs";
import { lstat, open, readlink } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { RootResolver } from "../layers/in-root.js";

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

const MAX_SYMLINKS = 40;

/**
 * A regular file of a container's root (the merged rootfs) as text, resolved with chroot
 * semantics so a symlink the image planted cannot point it at a host file; undefined when it is
 * missing, not a regular file, or larger than `maxBytes`.
 */
export async function readFileInRoot(root: string, path: string, maxBytes = 1 << 20): Promise<string | undefined> {
  const resolver = new RootResolver(root);
  let rel = path.replace(/^\/+/, "");
  for (let hops = 0; hops <= MAX_SYMLINKS; hops++) {
    let host: string;
    try {
      host = resolver.resolveParent(rel, false);
    } catch {
      return undefined;
    }
    const stats = await lstat(host).catch(() => undefined);
    if (stats === undefined) return undefined;
    if (stats.isSymbolicLink()) {
      const target = await readlink(host);
      const parent = host.slice(root.length + 1, host.lastIndexOf("/"));
      rel = target.startsWith("/") ? target.replace(/^\/+/, "") : `${parent}/${target}`;
      continue;
    }
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    const handle = await open(host, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return (await handle.readFile("utf8")).slice(0, maxBytes);
    } finally {
      await handle.close();
    }
  }
  return undefined;
}
