import { invalidArgument } from "../errors.js";
import type { ContainerConfig } from "../oci.js";
import { cleanPosixPath } from "../posix-path.js";
import { parseCapabilities } from "./capabilities.js";
import { containerProcessEnv, processArgv } from "./container-config.js";
import { tmpfsMountOptions, type Propagation, type TmpfsRequest } from "./mount-specs.js";
import { resolveUser } from "./resolve-user.js";
import { planCgroupLimits, type CgroupLimits, type ContainerResources } from "./resources.js";
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, DEFAULT_SHM_SIZE } from "./runtime-defaults.js";

// The start of a container as data: what to mount where, in order, and how to run the process.
// The engine performs it (overlay, cgroups, then `berth-init init` with renderInitArgs's argv).

export type MountKind = "proc" | "tmpfs" | "devpts" | "sysfs" | "mqueue" | "bind" | "cgroup";

export interface PlannedMount {
  kind: MountKind;
  /** The host path for binds; the filesystem's name otherwise (`cgroup2` or `cgroup` for kind cgroup). */
  source: string;
  /** The absolute path inside the container. */
  target: string;
  options: string[];
  /** What the mount point must be: a directory (`mkdir -p`) or a file (created empty). */
  targetType: "dir" | "file";
}

/** A mount the user asked for, resolved by the engine (volume names → their host directories). */
export interface ContainerMountInput {
  type: "bind" | "volume" | "tmpfs";
  /** bind: the canonical host path; volume: the volume's data directory; tmpfs: ignored. */
  source: string;
  /** The absolute path in the container (the engine resolves symlinks in-root first). */
  target: string;
  readOnly: boolean;
  propagation?: Propagation | "";
  nonRecursive?: boolean;
  /** tmpfs option text, as `--tmpfs` or ConvertTmpfsOptions give it. */
  tmpfsData?: string;
  /** The source is a file, not a directory. */
  isFile?: boolean;
}

export interface ContainerStartInput {
  id: string;
  /** The container's merged Config (mergeRunConfig). */
  config: ContainerConfig;
  rootfs: { lowerDirs: string[]; upperDir: string; workDir: string; mergedDir: string };
  /** The per-container files bound over the init layer's stubs. */
  files: { hostsPath: string; hostnamePath: string; resolvConfPath: string };
  /** Contents of the container's /etc/passwd and /etc/group; absent = no such file. */
  passwd?: string;
  group?: string;
  privileged?: boolean;
  readOnlyRootfs?: boolean;
  capAdd?: readonly string[];
  capDrop?: readonly string[];
  /** `--security-opt no-new-privileges` (off by default, as in docker). */
  noNewPrivileges?: boolean;
  /** `--security-opt seccomp=unconfined`: no seccomp filter (docker's default profile otherwise). */
  seccompUnconfined?: boolean;
  groupAdd?: readonly string[];
  /** `-v`, `--mount` and anonymous volumes, in the user's order. */
  mounts?: readonly ContainerMountInput[];
  /** `--tmpfs` entries. */
  tmpfs?: readonly TmpfsRequest[];
  resources?: ContainerResources;
  cgroup: { version: 2 } | { version: 1; hierarchies: readonly string[] };
  /** The host's /proc/sys/kernel/cap_last_cap (bounds "all capabilities"). */
  lastCap?: number;
  /** The engine's bounding set (/proc/self/status CapBnd): bounds `--privileged`. */
  boundingCaps?: bigint;
  /** With a TTY: the pty slave to bind over /dev/console. */
  consolePath?: string;
  /** `--init`: the host's berth-init, bound read-only at /sbin/docker-init and run as PID 1. */
  initBinaryPath?: string;
  /**
   * No devices cgroup guards the container (cgroup v2, or no v1 devices hierarchy: the cgroup
   * plan's `needsNodevMounts`): the rootfs, /dev and every volume and tmpfs are mounted `nodev`.
   */
  nodevMounts?: boolean;
}

export interface StartPlan {
  /** Namespaces to create; the network one is made first and entered (nsenter --net). */
  namespaces: Array<"mount" | "uts" | "ipc" | "pid" | "cgroup" | "net">;
  hostname: string;
  /** Overlay layers (top first, the init layer first of all), whether / is remounted read-only, and nodev. */
  rootfs: { lowerDirs: string[]; upperDir: string; workDir: string; mergedDir: string; readOnly: boolean; nodev: boolean };
  /** In the order to mount them. */
  mounts: PlannedMount[];
  /** Links to create in /dev after the mounts (`/dev/ptmx` → `pts/ptmx`…). */
  symlinks: Array<{ path: string; target: string }>;
  maskedPaths: string[];
  readonlyPaths: string[];
  capabilities: string[];
  noNewPrivileges: boolean;
  /** docker's default seccomp profile (`default`), or none for `--privileged` and `seccomp=unconfined`. */
  seccomp: "default" | "unconfined";
  user: { uid: number; gid: number; additionalGids: number[] };
  env: string[];
  cwd: string;
  argv: string[];
  cgroup: CgroupLimits;
  oomScoreAdj?: number;
  tty: boolean;
}

/** Where `--init` puts the reaper, as docker does (the helper runs as it when called by that name). */
export const INIT_TARGET = "/sbin/docker-init";
const DEVICES = ["null", "zero", "full", "random", "urandom", "tty"];

function systemMounts(input: ContainerStartInput, isPrivileged: boolean): PlannedMount[] {
  const sysOptions = ["nosuid", "noexec", "nodev", ...(isPrivileged ? [] : ["ro"])];
  const dir = (kind: MountKind, source: string, target: string, options: string[]): PlannedMount => ({
    kind, source, target, options, targetType: "dir",
  });
  const mounts = [
    dir("proc", "proc", "/proc", ["nosuid", "noexec", "nodev"]),
    dir("tmpfs", "tmpfs", "/dev", ["nosuid", "strictatime", "mode=755", "size=65536k"]),
    dir("devpts", "devpts", "/dev/pts", ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
    dir("tmpfs", "shm", "/dev/shm", ["nosuid", "noexec", "nodev", "mode=1777", `size=${input.resources?.shmSize || DEFAULT_SHM_SIZE}`]),
    dir("mqueue", "mqueue", "/dev/mqueue", ["nosuid", "noexec", "nodev"]),
    dir("sysfs", "sysfs", "/sys", sysOptions),
  ];
  if (input.cgroup.version === 2) {
    mounts.push(dir("cgroup", "cgroup2", "/sys/fs/cgroup", sysOptions));
  } else {
    mounts.push(dir("tmpfs", "tmpfs", "/sys/fs/cgroup", ["nosuid", "noexec", "nodev", "mode=755"]));
    for (const hierarchy of input.cgroup.hierarchies) {
      const name = hierarchy.startsWith("name=") ? hierarchy.slice(5) : hierarchy;
      mounts.push(dir("cgroup", "cgroup", `/sys/fs/cgroup/${name}`, [...sysOptions, ...hierarchy.split(",")]));
    }
  }
  return mounts;
}

function deviceMounts(input: ContainerStartInput): PlannedMount[] {
  const file = (source: string, target: string): PlannedMount => ({ kind: "bind", source, target, options: ["bind"], targetType: "file" });
  const mounts = DEVICES.map((device) => file(`/dev/${device}`, `/dev/${device}`));
  if (input.config.Tty === true && input.consolePath !== undefined) mounts.push(file(input.consolePath, "/dev/console"));
  return mounts;
}

function userMounts(input: ContainerStartInput): PlannedMount[] {
  const requested: ContainerMountInput[] = [
    ...(input.mounts ?? []),
    ...(input.tmpfs ?? []).map((tmpfs) => ({ type: "tmpfs" as const, source: "", target: tmpfs.target, readOnly: false, tmpfsData: tmpfs.data })),
  ];
  const planned = requested.map((mount): PlannedMount => {
    const target = cleanPosixPath(mount.target);
    if (!target.startsWith("/") || target === "/") throw invalidArgument(`invalid mount target: ${mount.target}`);
    if (target === "/dev") {
      throw invalidArgument(`mounting over ${target} is not supported`);
    }
    if (mount.type === "tmpfs") {
      return { kind: "tmpfs", source: "tmpfs", target, options: tmpfsMountOptions(mount.tmpfsData ?? ""), targetType: "dir" };
    }
    const options = [mount.nonRecursive === true ? "bind" : "rbind", ...(mount.readOnly ? ["ro"] : []), mount.propagation || "rprivate"];
    return { kind: "bind", source: mount.source, target, options, targetType: mount.isFile === true ? "file" : "dir" };
  });
  // docker mounts the user's mounts by depth (a parent before what is mounted inside it).
  const depth = (path: string) => path.split("/").length;
  return planned.map((mount, index) => ({ mount, index }))
    .sort((a, b) => depth(a.mount.target) - depth(b.mount.target) || a.index - b.index)
    .map(({ mount }) => mount);
}

/**
 * Without a devices cgroup a node made with mknod could be opened: every mount that can hold one
 * gets `nodev`. Not /dev/pts (its nodes are the container's ptys); /dev's usual nodes are binds of
 * the host's, whose own mount flags apply, so /dev itself can be nodev; the /etc files and the
 * init binary are regular files, and /proc, /sys, cgroup, shm and mqueue are nodev already.
 */
function withNodev(mount: PlannedMount): PlannedMount {
  const canHoldNodes = mount.kind === "tmpfs" || (mount.kind === "bind" && mount.targetType === "dir");
  return canHoldNodes && !mount.options.includes("nodev") ? { ...mount, options: [...mount.options, "nodev"] } : mount;
}

/**
 * Plans a container start the way docker's default spec and runc lay it out (formats.md §9):
 * proc; the /dev tmpfs with the usual device nodes bound from the host (+ /dev/console with a
 * TTY); /dev/pts, /dev/shm, /dev/mqueue; /sys and /sys/fs/cgroup read-only; /etc/hosts,
 * /etc/hostname, /etc/resolv.conf; then the user's volumes and tmpfs. A user mount on a default
 * target replaces it. `--privileged` clears the masked and read-only paths, gives every capability
 * and device and a writable /sys; `--read-only` also makes /sys and the cgroup mounts read-only.
 * `--init` (initBinaryPath) binds the helper read-only at /sbin/docker-init and runs the command
 * under it (`/sbin/docker-init -- CMD…`), as docker does with tini.
 * Throws INVALID_ARGUMENT for an unknown user (resolveUser), capability, or an empty command.
 */
export function planContainerStart(input: ContainerStartInput): StartPlan {
  const isPrivileged = input.privileged === true;
  const isReadOnly = input.readOnlyRootfs === true;
  const isNodev = input.nodevMounts === true;
  const { config } = input;
  const hostname = config.Hostname || input.id.slice(0, 12);
  const user = userMounts(input);
  const userTargets = new Set(user.map((mount) => mount.target));

  const system = systemMounts(input, isPrivileged).map((mount) => {
    const isExempt = ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue"].includes(mount.target);
    return isReadOnly && !isExempt && !mount.options.includes("ro") ? { ...mount, options: [...mount.options, "ro"] } : mount;
  });
  const devices = deviceMounts(input).filter((mount) => !userTargets.has(mount.target));
  const defaults = system.filter((mount) => !userTargets.has(mount.target))
    .flatMap((mount) => (mount.target === "/dev" ? [mount, ...devices] : [mount]));
  const etcFiles = ([["/etc/hosts", input.files.hostsPath], ["/etc/hostname", input.files.hostnamePath], ["/etc/resolv.conf", input.files.resolvConfPath]] as const)
    .filter(([target]) => !userTargets.has(target))
    .map(([target, source]): PlannedMount => ({ kind: "bind", source, target, options: ["rbind", "rprivate"], targetType: "file" }));

  const init: PlannedMount[] = input.initBinaryPath === undefined ? [] : [
    { kind: "bind", source: input.initBinaryPath, target: INIT_TARGET, options: ["bind", "ro"], targetType: "file" },
  ];
  const mounts = [...defaults, ...etcFiles, ...init, ...user];
  const { path, args } = processArgv(config);
  const resolved = resolveUser(config.User ?? "", input.passwd, input.group, input.groupAdd);
  const oomScoreAdj = input.resources?.oomScoreAdj;
  return {
    namespaces: ["mount", "uts", "ipc", "pid", "cgroup", "net"],
    hostname,
    rootfs: { ...input.rootfs, readOnly: isReadOnly, nodev: isNodev },
    mounts: isNodev ? mounts.map(withNodev) : mounts,
    symlinks: [
      { path: "/dev/ptmx", target: "pts/ptmx" },
      { path: "/dev/fd", target: "/proc/self/fd" },
      { path: "/dev/stdin", target: "/proc/self/fd/0" },
      { path: "/dev/stdout", target: "/proc/self/fd/1" },
      { path: "/dev/stderr", target: "/proc/self/fd/2" },
    ].filter((link) => !userTargets.has(link.path)),
    maskedPaths: isPrivileged ? [] : [...DEFAULT_MASKED_PATHS],
    readonlyPaths: isPrivileged ? [] : [...DEFAULT_READONLY_PATHS],
    capabilities: parseCapabilities(input.capAdd ?? [], input.capDrop ?? [], { privileged: isPrivileged, lastCap: input.lastCap, ...(input.boundingCaps === undefined ? {} : { bounding: input.boundingCaps }) }),
    noNewPrivileges: input.noNewPrivileges === true,
    seccomp: isPrivileged || input.seccompUnconfined === true ? "unconfined" : "default",
    user: { uid: resolved.uid, gid: resolved.gid, additionalGids: resolved.additionalGids },
    env: containerProcessEnv(config),
    cwd: config.WorkingDir || "/",
    argv: init.length === 0 ? [path, ...args] : [INIT_TARGET, "--", path, ...args],
    cgroup: planCgroupLimits(input.resources ?? {}, { privileged: isPrivileged }),
    ...(oomScoreAdj === undefined || oomScoreAdj === 0 ? {} : { oomScoreAdj }),
    tty: config.Tty === true,
  };
}
