import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { INIT_TARGET } from "@berth/core";

// The files of a new container dir: the init layer (docker's mountpoint stubs, formats.md §3) and
// the per-container /etc/hostname, /etc/hosts and /etc/resolv.conf bound over its stubs
// (formats.md §9); core writes their text.

const INIT_DIRS = ["dev/pts", "dev/shm", "proc", "sys"];
const INIT_FILES = [".dockerenv", "etc/hosts", "etc/hostname", "etc/resolv.conf", "dev/console"];

/**
 * The init layer's stubs under `dir`: empty files, empty dirs and /etc/mtab → /proc/mounts; with
 * `--init` also /sbin/docker-init, so its mount point never reaches the read-write layer.
 */
export async function writeInitLayer(dir: string, options: { init?: boolean } = {}): Promise<void> {
  for (const path of INIT_DIRS) await mkdir(join(dir, path), { recursive: true, mode: 0o755 });
  for (const path of [...INIT_FILES, ...(options.init === true ? [INIT_TARGET.slice(1)] : [])]) {
    await mkdir(dirname(join(dir, path)), { recursive: true, mode: 0o755 });
    await writeFile(join(dir, path), "", { mode: 0o755 });
  }
  await symlink("/proc/mounts", join(dir, "etc/mtab"));
}

/** The host's resolv.conf (systemd-resolved's stub file swapped for its upstream list), for core's resolvConfText. */
export async function readHostResolvConf(): Promise<string> {
  const text = await readFile("/etc/resolv.conf", "utf8").catch(() => "");
  if (/^\s*nameserver\s+127\.0\.0\.53\s*$/m.test(text)) {
    const upstream = await readFile("/run/systemd/resolve/resolv.conf", "utf8").catch(() => undefined);
    if (upstream !== undefined) return upstream;
  }
  return text;
}
