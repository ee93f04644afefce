import { BerthError, isBerthError } from "@berth/core";
import { HELPER_EXIT } from "../native/helper-errors.js";

// A start whose command berth-init could not exec fails like docker's (`run -d busybox nosuchcmd`
// exits 127, a non-executable 126) and leaves the container Created. The init says so over its
// monitor's exec status pipe (`--exec-fd`, close-on-exec: an exec closes it with nothing said),
// never through the container's own output: a detached monitor's caller then exits with the
// init's code and its reason on stderr, and the exit file carries the reason as `execError`. A
// command that runs and exits 127 itself is a normal exit.

/**
 * The error a start fails with when berth-init reported that it could not exec the command:
 * `reason` is its message (`exec: "x": …`) and `exitCode` its 127 or 126. Otherwise undefined.
 */
export function commandStartFailure(exitCode: number | undefined, reason: string | undefined): BerthError | undefined {
  if (reason === undefined) return undefined;
  const message = `unable to start container process: ${reason}: unknown`;
  if (exitCode === HELPER_EXIT.notFound) return new BerthError("COMMAND_NOT_FOUND", message);
  if (exitCode === HELPER_EXIT.cannotExecute) return new BerthError("COMMAND_NOT_EXECUTABLE", message);
  return undefined;
}

/** The exit code docker records for such a failed start (the container stays Created), else undefined. */
export function commandFailureExitCode(error: unknown): number | undefined {
  if (isBerthError(error, "COMMAND_NOT_FOUND")) return HELPER_EXIT.notFound;
  if (isBerthError(error, "COMMAND_NOT_EXECUTABLE")) return HELPER_EXIT.cannotExecute;
  return undefined;
}
