import { spawn } from "node:child_process";

// Short host tools (mount, umount, cp, sync, getfattr, setfattr, unshare, sh, ip, iptables-save
// and -restore, and berth-init's monitor launcher) through node's own spawn. A build spawns a few
// dozen of them and a start several, and execa costs about twice the CPU per spawn plus its own
// loading; what streams or detaches keeps loadExeca.

export interface ToolResult {
  /** The exit status; -1 when the tool could not run or died of a signal. */
  exitCode: number;
  stdout: string;
  /** Without its final newline. */
  stderr: string;
  /** Why it failed, for messages ("" on success). */
  message: string;
}

export interface ToolOptions {
  cwd?: string;
  /** Added to this process's environment, or the whole environment with exactEnv. */
  env?: Record<string, string>;
  exactEnv?: boolean;
  /** Written to the tool's stdin; without it, stdin is /dev/null. */
  input?: string;
}

/** Runs `file` to its end, stdout and stderr collected (never rejects). */
export function runTool(file: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    const env = options.exactEnv ? options.env : { ...process.env, ...options.env };
    const child =
      options.input === undefined
        ? spawn(file, args, { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] })
        : spawn(file, args, { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let failure: Error | undefined;
    child.once("error", (error) => (failure = error));
    child.once("close", (code, signal) => {
      const err = Buffer.concat(stderr).toString("utf8").replace(/\n$/, "");
      const exitCode = failure === undefined && code !== null ? code : -1;
      const why = failure?.message ?? (signal !== null ? `killed by ${signal}` : err);
      const message = exitCode === 0 ? "" : `Command failed: ${[file, ...args].join(" ")}${why ? `: ${why}` : ""}`;
      resolve({ exitCode, stdout: Buffer.concat(stdout).toString("utf8"), stderr: err, message });
    });
    if (options.input !== undefined) {
      child.stdin?.on("error", () => undefined); // a tool that exits without reading its input
      child.stdin?.end(options.input);
    }
  });
}
