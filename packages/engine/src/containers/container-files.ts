import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { INIT_TARGET } from "@berth/core";

// The files of a new container dir: the init layer (docker's mountpoint stubs, formats.md §3) and
// the per-container /etc/hostname, /etc/hosts and /etc/resolv.conf bound over its stubs
// (formats.md §9).

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

/** docker's default /etc/hosts (tab-separated), without a container address: no bridge yet. */
export function hostsFileText(): string {
  return [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    "",
  ].join("\n");
}

const isLocalhost = (address: string) => address.startsWith("127.") || address === "::1";

/**
 * docker's resolv.conf for the default network: the host's file with localhost nameservers
 * removed (systemd-resolved's stub file swapped for its upstream list), and Google's servers when
 * none remain.
 */
export function resolvConfText(hostText: string): string {
  const lines = hostText.split("\n").filter((line) => {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    return match === null || !isLocalhost(match[1]!);
  });
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  if (!lines.some((line) => /^\s*nameserver\s/.test(line))) lines.push("nameserver 8.8.8.8", "nameserver 8.8.4.4");
  return `${lines.join("\n")}\n`;
}

export async function readHostResolvConf(): Promise<string> {
  const text = await readFile("/etc/resolv.conf", "utf8").catch(() => "");
  if (/^\s*nameserver\s+127\.0\.0\.53\s*$/m.test(text)) {
    const upstream = await readFile("/run/systemd/resolve/resolv.conf", "utf8").catch(() => undefined);
    if (upstream !== undefined) return upstream;
  }
  return text;
}
