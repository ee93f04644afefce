import type { Writable } from "node:stream";
import { BerthError, type ErrorCode } from "@berth/core";
import { UsageError, usageErrorExitStatus } from "./usage-error.js";

/**
 * The one mapping from error codes to exit status. docker exits 1 for daemon and client
 * errors; the containers issue adds 125/126/127 for `run` and `exec`.
 */
export const exitStatusByCode: Record<ErrorCode, number> = {
  NOT_FOUND: 1,
  CONFLICT: 1,
  INVALID_ARGUMENT: 1,
  PERMISSION_DENIED: 1,
  UNAVAILABLE: 1,
  DATA_CORRUPTED: 1,
  INTERNAL: 1,
};

/** Exit status for anything thrown that is not a BerthError (a bug, or an unexpected failure). */
export const unexpectedErrorExitStatus = 1;

/** `Error: <message>` and, when there is one, `Hint: <hint>`. */
export function formatError(error: BerthError): string {
  return `Error: ${error.message}\n${error.hint === undefined ? "" : `Hint: ${error.hint}\n`}`;
}

/** Print an error the way berth does and return the exit status it maps to. */
export function reportError(error: unknown, stderr: Writable, isDebug: boolean): number {
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
  return error instanceof BerthError ? exitStatusByCode[error.code] : unexpectedErrorExitStatus;
}
