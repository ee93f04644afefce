import type { Writable } from "node:stream";
import { BerthError, type ErrorCode } from "@berth/core";
import { UsageError, usageErrorExitStatus } from "./usage-error.js";

/** Every error code's exit status: a new code cannot compile until each table maps it. */
export type ExitStatusTable = Readonly<Record<ErrorCode, number>>;

/** The default mapping from error codes to exit status: docker exits 1 for daemon and client errors. */
export const exitStatusByCode: ExitStatusTable = {
  NOT_FOUND: 1,
  CONFLICT: 1,
  INVALID_ARGUMENT: 1,
  PERMISSION_DENIED: 1,
  UNAVAILABLE: 1,
  DATA_CORRUPTED: 1,
  INTERNAL: 1,
  COMMAND_NOT_FOUND: 1,
  COMMAND_NOT_EXECUTABLE: 1,
};

/**
 * docker's `run` and `create`: whatever makes berth itself fail before the container's process
 * runs (a bad flag value, an unknown image, a name in use, a mount or cgroup that cannot be set up)
 * exits 125, so a caller can tell berth's failure from the command's own status. A command that
 * cannot be executed is not such a failure: attached or detached, the start fails with
 * COMMAND_NOT_EXECUTABLE or COMMAND_NOT_FOUND, which exit 126 and 127. A command declares this
 * table in its spec (`exitStatusByCode`); main applies it to whatever the command throws.
 */
export const containerRunExitStatusByCode: ExitStatusTable = {
  NOT_FOUND: 125,
  CONFLICT: 125,
  INVALID_ARGUMENT: 125,
  PERMISSION_DENIED: 125,
  UNAVAILABLE: 125,
  DATA_CORRUPTED: 125,
  INTERNAL: 125,
  COMMAND_NOT_FOUND: 127,
  COMMAND_NOT_EXECUTABLE: 126,
};

/** `Error: <message>` and, when there is one, `Hint: <hint>`. */
export function formatError(error: BerthError): string {
  return `Error: ${error.message}\n${error.hint === undefined ? "" : `Hint: ${error.hint}\n`}`;
}

/**
 * Print an error the way berth does and return the exit status `table` maps it to. Anything
 * thrown that is not a BerthError (a bug, or an unexpected failure) counts as INTERNAL.
 */
export function reportError(
  error: unknown,
  stderr: Writable,
  isDebug: boolean,
  table: ExitStatusTable = exitStatusByCode,
): number {
  if (error instanceof UsageError) {
    stderr.write(`${error.message}\n`);
    return usageErrorExitStatus;
  }
  if (error instanceof BerthError) {
    stderr.write(formatError(error));
  } else {
    stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  // BERTH_DEBUG=1: the stack, and the chain of causes behind it.
  for (let cause = error; isDebug && cause !== undefined; cause = cause instanceof Error ? cause.cause : undefined) {
    stderr.write(`${cause === error ? "" : "Caused by: "}${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}\n`);
  }
  return table[error instanceof BerthError ? error.code : "INTERNAL"];
}
