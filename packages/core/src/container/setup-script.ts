import { invalidArgument } from "../errors.js";
import type { PlannedMount, StartPlan } from "./start-plan.js";

// The host shell script (`sh -e`) that performs a start plan inside the new namespaces, after the
// recipe in RUNTIME-RECIPE.md: mounts into the merged rootfs, masks, pivot_root with the old root
// under /dev/.init, the old root unmounted with its own loader, then `berth-init init` (the C
// helper copied into the container's private /dev tmpfs) drops privileges and execs the process.

export interface SetupScriptOptions {
  /** The helper on the host, copied into the container. */
  initBinaryPath: string;
  /** Where the copy lives in the container; its directory (on the /dev tmpfs) also holds put_old. */
  helperInContainer?: string;
  /** The host's dynamic loader and library dirs, used to run the old root's umount after pivot_root. */
  hostLoader?: string;
  hostLibraryDirs?: readonly string[];
  hostUmount?: string;
  /** When the helper is dynamically linked: its loader and libraries, copied beside it. */
  initRuntime?: { loader: string; libraries: readonly string[] };
  /** With a TTY: the fd of the monitor's console socket (`init --console-fd`), which gets the pty master. */
  consoleFd?: number;
}

export const DEFAULT_HELPER_IN_CONTAINER = "/dev/.init/berth-init";
const DEBIAN_AMD64_LOADER = "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2";
const DEBIAN_AMD64_LIBRARY_DIRS = ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"];

/**
 * One word for `sh`: always single-quoted, each `'` written as `'\''`, so nothing inside is
 * expanded. Throws INVALID_ARGUMENT for a NUL byte, which no argument can carry.
 */
export function shellQuote(text: string): string {
  if (text.includes("\0")) throw invalidArgument("an argument cannot contain a NUL byte");
  return `'${text.replaceAll("'", "'\\''")}'`;
}

const inRoot = (path: string) => `"$M"${shellQuote(path)}`;
const basename = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const dirname = (path: string) => path.slice(0, Math.max(path.lastIndexOf("/"), 0)) || "/";
const FILESYSTEM_OF: Record<PlannedMount["kind"], string | undefined> = {
  proc: "proc", tmpfs: "tmpfs", devpts: "devpts", sysfs: "sysfs", mqueue: "mqueue", bind: undefined, cgroup: undefined,
};

const preamble = (plan: StartPlan) => [
  "# Written by @berth/core renderSetupScript: the start of one container. Run with sh -e inside",
  "# the container's new namespaces; every word below is single-quoted.",
  "set -eu",
  `M=${shellQuote(plan.rootfs.mergedDir)}`,
  "fail() { printf 'berth-setup: %s\\n' \"$1\" >&2; exit 1; }",
  "# A mount point reached through a symlink of the container's own files could land outside it.",
  "check_target() {",
  "  path=$M rest=${1#/}",
  "  while [ -n \"$rest\" ]; do",
  "    path=$path/${rest%%/*}",
  "    if [ -L \"$path\" ]; then fail \"refusing to mount on $1: ${path#\"$M\"} is a symbolic link\"; fi",
  "    case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac",
  "  done",
  "}",
  "mount --make-rprivate /",
  "mount --bind \"$M\" \"$M\"",
  ...(plan.rootfs.nodev ? ["mount -o remount,bind,nodev \"$M\""] : []),
];

function renderMount(mount: PlannedMount): string[] {
  const target = inRoot(mount.target);
  const lines = [`check_target ${shellQuote(mount.target)}`];
  const makeDir = (path: string) => `[ -d ${inRoot(path)} ] || mkdir -p ${inRoot(path)}`;
  if (mount.targetType === "dir") {
    lines.push(makeDir(mount.target));
  } else {
    if (dirname(mount.target) !== "/") lines.push(makeDir(dirname(mount.target)));
    lines.push(`[ -e ${target} ] || : > ${target}`);
  }
  const filesystem = mount.kind === "cgroup" ? mount.source : FILESYSTEM_OF[mount.kind];
  const type = filesystem === undefined ? "" : `-t ${shellQuote(filesystem)} `;
  const options = mount.options.length === 0 ? "" : `-o ${shellQuote(mount.options.join(","))} `;
  lines.push(`mount ${type}${options}${shellQuote(mount.source)} ${target}`);
  return lines;
}

function renderMasks(plan: StartPlan): string[] {
  const lines = plan.maskedPaths.map((path) => {
    const target = inRoot(path);
    return `if [ -d ${target} ]; then mount -t tmpfs -o ro tmpfs ${target}; elif [ -e ${target} ]; then mount --bind /dev/null ${target}; fi`;
  });
  for (const path of plan.readonlyPaths) {
    const target = inRoot(path);
    lines.push(`if [ -e ${target} ]; then mount --rbind ${target} ${target}; mount -o remount,bind,ro,nosuid,nodev,noexec ${target}; fi`);
  }
  return lines;
}

/** The `berth-init init` command line (its flags, then `--` and the process's argv). */
export function renderInitArgs(plan: StartPlan, helperInContainer: string, options: { consoleFd?: number } = {}): string[] {
  const { consoleFd } = options;
  if (consoleFd !== undefined && !(Number.isInteger(consoleFd) && consoleFd >= 0)) throw invalidArgument(`invalid console fd: ${consoleFd}`);
  return [
    "init",
    "--uid", String(plan.user.uid),
    "--gid", String(plan.user.gid),
    "--groups", plan.user.additionalGids.join(","),
    "--caps", plan.capabilities.length === 0 ? "none" : plan.capabilities.join(","),
    ...(plan.noNewPrivileges ? ["--no-new-privs"] : []),
    "--seccomp", plan.seccomp,
    "--cwd", plan.cwd,
    "--clear-env",
    ...plan.env.flatMap((entry) => ["--env", entry]),
    "--unlink-self", helperInContainer,
    ...(consoleFd === undefined ? [] : ["--console-fd", String(consoleFd)]),
    "--",
    ...plan.argv,
  ];
}

/**
 * The script text for a plan. The engine runs it (as a file: env and argv may be long) with
 * `sh -e` inside `[nsenter --net=…] unshare --pid --fork --mount --uts --ipc --cgroup`, stdio
 * being the container's; it ends by exec'ing the helper, which execs the process.
 */
export function renderSetupScript(plan: StartPlan, options: SetupScriptOptions): string {
  const helper = options.helperInContainer ?? DEFAULT_HELPER_IN_CONTAINER;
  const initDir = dirname(helper);
  if (!initDir.startsWith("/dev/") || initDir.split("/").length !== 3) {
    throw invalidArgument(`the helper must live in a directory of the container's /dev tmpfs: ${helper}`);
  }
  const putOld = `${initDir}/old`;
  const loader = options.hostLoader ?? DEBIAN_AMD64_LOADER;
  const libraryPath = (options.hostLibraryDirs ?? DEBIAN_AMD64_LIBRARY_DIRS).map((dir) => `${putOld}${dir}`).join(":");
  const runtime = options.initRuntime;
  const launcher = runtime === undefined ? [helper] : [`${initDir}/${basename(runtime.loader)}`, "--library-path", initDir, helper];

  const lines = [...preamble(plan)];
  if (plan.oomScoreAdj !== undefined) lines.push(`printf '%s\\n' ${shellQuote(String(plan.oomScoreAdj))} > /proc/self/oom_score_adj`);
  lines.push("# mounts, in order");
  for (const mount of plan.mounts) lines.push(...renderMount(mount));
  for (const link of plan.symlinks) lines.push(`ln -sfn ${shellQuote(link.target)} ${inRoot(link.path)}`);
  lines.push("# masked and read-only paths", ...renderMasks(plan));
  if (plan.cwd !== "/") lines.push(`check_target ${shellQuote(plan.cwd)}`, `[ -d ${inRoot(plan.cwd)} ] || mkdir -p ${inRoot(plan.cwd)}`);
  if (plan.rootfs.readOnly) lines.push(`mount -o remount,bind,ro${plan.rootfs.nodev ? ",nodev" : ""} "$M"`);
  lines.push(`printf '%s' ${shellQuote(plan.hostname)} > /proc/sys/kernel/hostname`);
  lines.push("# the helper, on the container's private /dev tmpfs (put_old goes there too)");
  lines.push(`mkdir -p ${inRoot(putOld)}`, `cp ${shellQuote(options.initBinaryPath)} ${inRoot(helper)}`);
  if (runtime !== undefined) {
    lines.push(`cp -L ${[runtime.loader, ...runtime.libraries].map(shellQuote).join(" ")} ${inRoot(initDir)}/`);
  }
  lines.push(
    "cd \"$M\"",
    `pivot_root . ${shellQuote(putOld.slice(1))}`,
    "# the old root is reachable for one more command: its own umount, run by its own loader",
    `${shellQuote(`${putOld}${loader}`)} --library-path ${shellQuote(libraryPath)} ${shellQuote(`${putOld}${options.hostUmount ?? "/usr/bin/umount"}`)} -l ${shellQuote(putOld)}`,
    "cd /",
    `exec ${[...launcher, ...renderInitArgs(plan, helper, { consoleFd: options.consoleFd })].map(shellQuote).join(" ")}`,
  );
  return `${lines.join("\n")}\n`;
}
