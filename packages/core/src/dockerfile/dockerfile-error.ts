import { invalidArgument, type BerthError } from "../errors.js";

/** Where a Dockerfile text came from; without a file name, messages carry no location (import -c). */
export interface SourceLocation {
  fileName?: string;
  line?: number;
}

/** INVALID_ARGUMENT `Dockerfile:3: message`, or just `message` when there is no file name. */
export function dockerfileError(location: SourceLocation, message: string): BerthError {
  if (location.fileName === undefined) return invalidArgument(message);
  const where = location.line === undefined ? location.fileName : `${location.fileName}:${location.line}`;
  return invalidArgument(`${where}: ${message}`);
}
