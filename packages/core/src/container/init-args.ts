import { invalidArgument } from "../errors.js";
import type { StartPlan } from "./start-plan.js";

// The argv of `berth-init init` that performs a start plan: with `--rootfs` the helper joins the
// network namespace, unshares the others, mounts the plan into the merged rootfs (each target
// checked for symlinks), masks, pivots into it and detaches the old root, then drops privileges
// and execs the process. One process, no shell: the plan is the only description of a start.

export interface InitArgsOptions {
  /** The pinned network namespace to join first. */
  netns?: string;
  /** With a TTY: the fd of the monitor's console socket (`init --console-fd`), which gets the pty master. */
  consoleFd?: number;
  /** The monitor's exec status pipe (`init --exec-fd`): closed by the exec, or told why it failed. */
  execFd?: number;
}

const UNSHARED = ["mount", "uts", "ipc", "cgroup"] as const;

function setupArgs(plan: StartPlan, netns: string | undefined): string[] {
  return [
    "--rootfs", plan.rootfs.mergedDir,
    ...(netns === undefined ? [] : ["--netns", netns]),
    "--unshare", UNSHARED.filter((name) => plan.namespaces.includes(name)).join(","),
    "--hostname", plan.hostname,
    ...(plan.oomScoreAdj === undefined ? [] : ["--oom-score-adj", String(plan.oomScoreAdj)]),
    ...plan.mounts.flatMap((mount) => ["--mount", mount.kind, mount.source, mount.target, mount.options.join(","), mount.targetType]),
    ...plan.symlinks.flatMap((link) => ["--symlink", link.target, link.path]),
    ...plan.maskedPaths.flatMap((path) => ["--mask", path]),
    ...plan.readonlyPaths.flatMap((path) => ["--readonly-path", path]),
    ...(plan.rootfs.readOnly ? ["--readonly-rootfs"] : []),
    ...(plan.rootfs.nodev ? ["--nodev-rootfs"] : []),
  ];
}

/** `--console-fd N` or `--exec-fd N` for an fd the init is given; nothing without one. */
function fdFlag(flag: "--console-fd" | "--exec-fd", fd: number | undefined): string[] {
  if (fd === undefined) return [];
  if (!(Number.isInteger(fd) && fd >= 0)) throw invalidArgument(`invalid ${flag === "--console-fd" ? "console" : "exec"} fd: ${fd}`);
  return [flag, String(fd)];
}

/** The `berth-init init` command line (its flags, then `--` and the process's argv). */
export function renderInitArgs(plan: StartPlan, options: InitArgsOptions = {}): string[] {
  const fdFlags = [...fdFlag("--console-fd", options.consoleFd), ...fdFlag("--exec-fd", options.execFd)];
  const args = [
    "init",
    ...setupArgs(plan, options.netns),
    "--uid", String(plan.user.uid),
    "--gid", String(plan.user.gid),
    "--groups", plan.user.additionalGids.join(","),
    "--caps", plan.capabilities.length === 0 ? "none" : plan.capabilities.join(","),
    "--seccomp", plan.seccomp,
    ...(plan.noNewPrivileges ? ["--no-new-privs"] : []),
    "--cwd", plan.cwd,
    "--clear-env",
    ...plan.env.flatMap((entry) => ["--env", entry]),
    ...fdFlags,
    "--",
    ...plan.argv,
  ];
  if (args.some((arg) => arg.includes("\0"))) throw invalidArgument("an argument cannot contain a NUL byte");
  return args;
}
