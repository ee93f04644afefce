/** A command line that does not fit the command's spec. Exits 125, like docker's flag errors. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** docker's exit status for a command line it could not parse. */
export const usageErrorExitStatus = 125;
