import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_CAPABILITIES } from "@berth/core";
import { execa } from "execa";
import { berthInitPath } from "../helper-path.js";
import { initArgs, type InitOptions } from "../process-args.js";

const BUSYBOX_ARCHIVE = "/usr/local/share/berth/busybox.tar";
const NATIVE_DIR = fileURLToPath(new URL("../../../native/", import.meta.url));

/** /proc/<pid>/status mask of docker's 14 default capabilities. */
export const DOCKER_CAP_MASK = "00000000a80425fb";

/** Builds berth-init (a no-op when up to date) so a plain `vitest run` tests the current source. */
export async function buildHelper(): Promise<string> {
  await execa("sh", [join(NATIVE_DIR, "build.sh")]);
  return berthInitPath();
}

/** Extracts the busybox image's only layer (a docker-save archive) into a fresh directory. */
export async function extractBusybox(): Promise<string> {
  const { stdout } = await execa("tar", ["-xOf", BUSYBOX_ARCHIVE, "manifest.json"]);
  const manifest = JSON.parse(stdout) as { Layers: string[] }[];
  const layer = manifest[0]?.Layers[0];
  if (!layer) throw new Error(`${BUSYBOX_ARCHIVE}: no layer in manifest.json`);
  const dir = await mkdtemp(join(tmpdir(), "berth-busybox-"));
  await chmod(dir, 0o755); // a container's / is 0755; mkdtemp's 0700 would lock out non-root users
  await execa("sh", ["-c", 'tar -xOf "$1" "$2" | tar -x -C "$3"', "sh", BUSYBOX_ARCHIVE, layer, dir]);
  return dir;
}

/**
 * RUNTIME-RECIPE.md's start, run by `sh -e` inside the new namespaces, ending in `berth-init init`
 * (copied into the container's private /dev tmpfs) instead of setpriv. Positional parameters:
 * rootfs, helper, hostname, then init's argv.
 */
export const START_SCRIPT = `
M=$1; HELPER=$2; NAME=$3; shift 3
mount --make-rprivate /
mount --bind "$M" "$M"
mount -t proc proc "$M/proc"
mount -t tmpfs -o mode=755,nosuid,size=65536k tmpfs "$M/dev"
for d in null zero full random urandom tty; do touch "$M/dev/$d"; mount --bind "/dev/$d" "$M/dev/$d"; done
mkdir -p "$M/dev/pts" "$M/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$M/dev/pts"; ln -sf pts/ptmx "$M/dev/ptmx"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$M/sys"
H="$M/dev/.init"; mkdir -p "$H"
cp "$HELPER" "$H/berth-init"
hostname "$NAME"
cd "$M"; mkdir -p dev/.init/old; pivot_root . dev/.init/old
O=/dev/.init/old; L=$O/lib/x86_64-linux-gnu
$L/ld-linux-x86-64.so.2 --library-path "$L:$O/usr/lib/x86_64-linux-gnu" $O/usr/bin/umount -l "$O"
cd /
exec /dev/.init/berth-init "$@"
`;

export interface ContainerSpec extends Omit<InitOptions, "unlinkSelf"> {
  rootfs: string;
  helper: string;
  hostname?: string;
  /**
   * "pidns" (default): the monitor makes the pid namespace (`monitor --pidns`), unshare the rest;
   * "unshare": the recipe verbatim, `unshare --pid --fork …` (PID 1 is the monitor's grandchild).
   */
  pid?: "pidns" | "unshare";
}

/** What a monitor runs for a container (docker's capabilities unless the spec names others). */
export function containerArgv(spec: ContainerSpec): string[] {
  const { rootfs, helper, hostname = "c0ffee", pid = "pidns", ...init } = spec;
  const namespaces = pid === "unshare" ? ["--pid", "--fork"] : [];
  const initArgv = initArgs({ capabilities: DEFAULT_CAPABILITIES, ...init, unlinkSelf: "/dev/.init/berth-init" });
  return [
    "unshare", ...namespaces, "--mount", "--uts", "--ipc", "--net", "--cgroup", "--",
    "sh", "-e", "-c", START_SCRIPT, "sh", rootfs, helper, hostname, ...initArgv,
  ];
}
