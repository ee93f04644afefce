import { open } from "node:fs/promises";
import { BerthError, isBerthError } from "@berth/core";
import { readExitFile } from "../native/exit-file.js";
import { HELPER_EXIT, helperMessages } from "../native/helper-errors.js";
import { parseLogLine } from "../native/json-log.js";
import type { ContainerPaths } from "./container-paths.js";
import { isProcessRunning, waitUntil } from "./host-processes.js";

// A detached start whose command berth-init could not exec fails like docker's (`run -d busybox
// nosuchcmd` exits 127, a non-executable 126), instead of leaving the reason in the log only.

const EXIT_FILE_WAIT_MS = 5_000;
const LOG_TAIL_BYTES = 64 * 1024;

/** The last `exec: …` message berth-init wrote to the container's log (its stdio), if any. */
async function lastExecMessage(logFile: string): Promise<string | undefined> {
  const handle = await open(logFile, "r").catch(() => undefined);
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - start), 0, size - start, start);
    const lines = buffer.subarray(0, bytesRead).toString("utf8").split("\n").slice(start > 0 ? 1 : 0);
    const texts = lines.filter((line) => line.length > 0).map((line) => parseLogLine(line).log);
    return helperMessages(texts.join("")).filter((message) => message.startsWith("exec: ")).at(-1);
  } finally {
    await handle.close();
  }
}

/**
 * Called once a detached start is past its setup: when PID 1 has already ended with 127 or 126
 * and berth-init said why, the error the start must fail with (COMMAND_NOT_FOUND /
 * COMMAND_NOT_EXECUTABLE, docker's text); otherwise undefined.
 */
export async function commandStartFailure(paths: ContainerPaths, pid: number): Promise<BerthError | undefined> {
  if (isProcessRunning(pid)) return undefined;
  const readExit = () => readExitFile(paths.exitFile);
  await waitUntil(async () => (await readExit()) !== undefined, EXIT_FILE_WAIT_MS);
  const exitCode = (await readExit())?.exitCode;
  if (exitCode !== HELPER_EXIT.notFound && exitCode !== HELPER_EXIT.cannotExecute) return undefined;
  const message = await lastExecMessage(paths.logFile);
  if (message === undefined) return undefined;
  return new BerthError(exitCode === HELPER_EXIT.notFound ? "COMMAND_NOT_FOUND" : "COMMAND_NOT_EXECUTABLE", `unable to start container process: ${message}: unknown`);
}

/** The exit code docker records for such a failed start (the container stays Created), else undefined. */
export function commandFailureExitCode(error: unknown): number | undefined {
  if (isBerthError(error, "COMMAND_NOT_FOUND")) return HELPER_EXIT.notFound;
  if (isBerthError(error, "COMMAND_NOT_EXECUTABLE")) return HELPER_EXIT.cannotExecute;
  return undefined;
}
