import { execFile } from "node:child_process";

// Short host tools (mount, umount, cp, sync, getfattr, setfattr, unshare, sh, ip, iptables-save
// and -restore) through node's own execFile. A build spawns a few dozen of them and a bridge start
// four, and execa's extras (signal-exit cleanup, stream plumbing) cost about twice the CPU per
// spawn; what streams, detaches or needs execa's options keeps loadExeca.

export interface ToolResult {
  /** The exit status; -1 when the tool could not run or died of a signal. */
  exitCode: number;
  stdout: string;
  /** Without its final newline. */
  stderr: string;
  /** Why it failed, for messages ("" on success). */
  message: string;
}

/** Runs `file` to its end (never rejects); `env` is added to this process's environment. */
export function runTool(file: string, args: readonly string[], options: { cwd?: string; env?: Record<string, string>; input?: string } = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, maxBuffer: 1 << 30, encoding: "utf8" }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ exitCode, stdout, stderr: stderr.replace(/\n$/, ""), message: error?.message ?? "" });
    });
    child.stdin?.on("error", () => undefined); // a tool that exits without reading its input
    child.stdin?.end(options.input ?? "");
  });
}
