import { invalidArgument } from "@berth/core";

export interface MonitorOptions {
  /** What the monitor's child runs (for a container: `berth-init init --rootfs …`). */
  argv: readonly string[];
  /** JSON written atomically when the child has exited (see ExitRecord). */
  exitFile?: string;
  /** The child's host pid, written atomically once it is forked. */
  pidFile?: string;
  monitorPidFile?: string;
  /** docker json-file log; rotated to F.1 … F.(maxFiles-1) when it reaches maxSize. */
  logFile?: string;
  /** Bytes; 0 = never rotate. Default 10 MiB. */
  logMaxSize?: number;
  /** Default 3. */
  logMaxFiles?: number;
  /** cgroup.procs files the child joins before it execs. */
  cgroupProcs?: readonly string[];
  /** cgroup.procs files the monitor moves itself into first. */
  monitorCgroupProcs?: readonly string[];
  /** The child's init makes a pty (`init --console-fd 3`) and hands its master to the monitor. */
  tty?: boolean;
  /** Unix socket for attach clients (attach-protocol.ts). */
  attachSocket?: string;
  /** Keep the child's stdin open for attached clients; without it stdin is /dev/null. */
  stdin?: boolean;
  /** Outlive the caller: berth-init prints the monitor's pid and exits once the child is set up. */
  detach?: boolean;
  /** Create the child as PID 1 of a new pid namespace (no `unshare --pid --fork` needed). */
  pidNamespace?: boolean;
  /** argv run after the exit file is written, with /dev/null as stdio; the monitor waits for it. */
  exitCommand?: readonly string[];
  /** One byte is written to this fd once the child is forked, in its cgroups and its pid file written. */
  readyFd?: number;
  /**
   * The child gets a pipe as this fd (3-9; not 3 with tty), which its init closes by exec'ing the
   * command (`init --exec-fd`) or fills with why it could not. With detach and without
   * waitStart the caller is answered only then: the monitor's pid, or the init's 127/126 with
   * its reason on stderr. The exit file carries the reason as `execError`.
   */
  execFd?: number;
  /**
   * The child waits before it execs until an attach client registers with `start: true`, so that
   * client sees all output (`run` and `start -a`). Needs attachSocket.
   */
  waitStart?: boolean;
}

const fd = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 0) throw invalidArgument(`invalid ${name}: ${value}`);
  return String(value);
};

/** `berth-init monitor …` argv (without the binary). */
export function monitorArgs(options: MonitorOptions): string[] {
  if (options.argv.length === 0) throw invalidArgument("no command given");
  const args = ["monitor"];
  const value = (flag: string, v: string | undefined) => {
    if (v !== undefined) args.push(flag, v);
  };
  value("--exit-file", options.exitFile);
  value("--pid-file", options.pidFile);
  value("--monitor-pid-file", options.monitorPidFile);
  value("--log-file", options.logFile);
  if (options.logMaxSize !== undefined) args.push("--log-max-size", fd("log max size", options.logMaxSize));
  if (options.logMaxFiles !== undefined) {
    if (!Number.isInteger(options.logMaxFiles) || options.logMaxFiles < 1) {
      throw invalidArgument(`invalid log max files: ${options.logMaxFiles}`);
    }
    args.push("--log-max-files", String(options.logMaxFiles));
  }
  for (const file of options.cgroupProcs ?? []) args.push("--cgroup-procs", file);
  for (const file of options.monitorCgroupProcs ?? []) args.push("--monitor-cgroup-procs", file);
  if (options.tty) args.push("--tty");
  value("--attach-socket", options.attachSocket);
  if (options.stdin) args.push("--stdin");
  if (options.detach) args.push("--detach");
  if (options.pidNamespace) args.push("--pidns");
  const [command, ...commandArgs] = options.exitCommand ?? [];
  if (command !== undefined) {
    args.push("--exit-command", command);
    for (const arg of commandArgs) args.push("--exit-arg", arg);
  }
  if (options.readyFd !== undefined) args.push("--ready-fd", fd("ready fd", options.readyFd));
  if (options.execFd !== undefined) args.push("--exec-fd", fd("exec fd", options.execFd));
  if (options.waitStart) {
    if (options.attachSocket === undefined) throw invalidArgument("waitStart needs an attach socket");
    args.push("--wait-start");
  }
  return [...args, "--", ...options.argv];
}

/** The monitor pid a `monitor --detach` prints on stdout. */
export function parseMonitorPid(stdout: string): number {
  const text = stdout.trim();
  if (!/^[1-9][0-9]*$/.test(text)) throw invalidArgument(`berth-init printed no monitor pid: ${JSON.stringify(stdout)}`);
  return Number(text);
}
