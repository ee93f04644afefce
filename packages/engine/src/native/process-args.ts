import { invalidArgument } from "@berth/core";

/** What `init` and `exec` do to the process before running the container's command. */
export interface ProcessOptions {
  uid?: number;
  gid?: number;
  /** Supplementary groups; none when absent. */
  groups?: readonly number[];
  /** Capability names (`CAP_CHOWN` or `chown`), `"all"` or `"none"`; docker's default set when absent. */
  capabilities?: readonly string[] | "all" | "none";
  noNewPrivileges?: boolean;
  /** Created (mode 0755) when missing, like docker's WORKDIR. */
  cwd?: string;
  /** Start from an empty environment instead of the inherited one. */
  clearEnv?: boolean;
  /** A NUL-separated KEY=VALUE file read inside the container; implies clearEnv. */
  envFile?: string;
  /** KEY=VALUE entries, applied last (a later key wins). */
  env?: readonly string[];
}

export interface InitOptions extends ProcessOptions {
  argv: readonly string[];
  /** The helper's own path inside the container, removed before exec. */
  unlinkSelf?: string;
  /** The console socket of `monitor --tty` (fd 3 in the monitor's child). */
  consoleFd?: number;
  /** The exec status pipe of `monitor --exec-fd`: closed by the exec, or told why it failed. */
  execFd?: number;
}

export interface ExecOptions extends ProcessOptions {
  argv: readonly string[];
  /** Host pid of a process in the container (its PID 1). */
  target: number;
  /** cgroup.procs files the process joins before it runs. */
  cgroupProcs?: readonly string[];
  /** A pty inside the container's devpts, proxied to berth-init's stdio. */
  tty?: boolean;
  /** The pty's size before the process starts (else berth-init's stdin's, when that is a terminal). */
  ttySize?: { rows: number; cols: number };
  /** An fd of berth-init that carries `ROWS COLS\n` lines: each resizes the pty. */
  resizeFd?: number;
  /** The container's seccomp filter: docker's default profile for its capabilities, or none (also when absent). */
  seccomp?: { profile: "default"; capabilities: readonly string[] } | { profile: "unconfined" };
}

/** The monitor gives the child the console socket on this fd with `--tty`. */
export const CONSOLE_FD = 3;
/** The fd of the exec status pipe (`monitor --exec-fd`, `init --exec-fd`) in the monitor's child. */
export const EXEC_FD = 4;

const id = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 0 || value > 0xfffffffe) throw invalidArgument(`invalid ${name}: ${value}`);
  return String(value);
};

function commandArgv(argv: readonly string[]): string[] {
  if (argv.length === 0 || argv[0] === "") throw invalidArgument("no command given");
  return ["--", ...argv];
}

function processArgs(options: ProcessOptions): string[] {
  const args: string[] = [];
  if (options.uid !== undefined) args.push("--uid", id("uid", options.uid));
  if (options.gid !== undefined) args.push("--gid", id("gid", options.gid));
  if (options.groups !== undefined) args.push("--groups", options.groups.map((g) => id("group", g)).join(","));
  const caps = options.capabilities;
  if (caps !== undefined) args.push("--caps", typeof caps === "string" ? caps : caps.length === 0 ? "none" : caps.join(","));
  if (options.noNewPrivileges) args.push("--no-new-privs");
  if (options.cwd !== undefined) args.push("--cwd", options.cwd);
  if (options.clearEnv) args.push("--clear-env");
  if (options.envFile !== undefined) args.push("--env-file", options.envFile);
  for (const entry of options.env ?? []) {
    if (entry.indexOf("=") < 1) throw invalidArgument(`invalid environment entry ${JSON.stringify(entry)}: want KEY=VALUE`);
    args.push("--env", entry);
  }
  return args;
}

/** `berth-init init …` argv (without the binary): the last step of a container start. */
export function initArgs(options: InitOptions): string[] {
  const args = ["init", ...processArgs(options)];
  if (options.unlinkSelf !== undefined) args.push("--unlink-self", options.unlinkSelf);
  if (options.consoleFd !== undefined) args.push("--console-fd", String(options.consoleFd));
  if (options.execFd !== undefined) args.push("--exec-fd", String(options.execFd));
  return [...args, ...commandArgv(options.argv)];
}

/** `berth-init exec …` argv (without the binary): a process in a running container. */
export function execArgs(options: ExecOptions): string[] {
  if (!Number.isInteger(options.target) || options.target < 1) throw invalidArgument(`invalid target pid ${options.target}`);
  const args = ["exec", "--target", String(options.target)];
  for (const file of options.cgroupProcs ?? []) args.push("--cgroup-procs", file);
  if (options.tty) args.push("--tty");
  if (options.ttySize !== undefined) {
    const { rows, cols } = options.ttySize;
    if (!(rows >= 1 && rows <= 65535 && cols >= 1 && cols <= 65535)) throw invalidArgument(`invalid terminal size ${rows}x${cols}`);
    args.push("--tty-size", `${Math.trunc(rows)},${Math.trunc(cols)}`);
  }
  if (options.resizeFd !== undefined) args.push("--resize-fd", String(options.resizeFd));
  if (options.seccomp?.profile === "default") {
    const caps = options.seccomp.capabilities;
    args.push("--seccomp", "default", "--seccomp-caps", caps.length === 0 ? "none" : caps.join(","));
  }
  return [...args, ...processArgs(options), ...commandArgv(options.argv)];
}
