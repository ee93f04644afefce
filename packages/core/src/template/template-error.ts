import { invalidArgument, type BerthError } from "../errors.js";

/** Every --format problem, at parse or execution time, reads like docker's: `template parsing error: …`. */
export function templateError(detail: string): BerthError {
  return invalidArgument(`template parsing error: template: ${detail}`);
}

/** `:LINE: message` as Go reports parse errors of an unnamed template. */
export function parseError(line: number, message: string): BerthError {
  return templateError(`:${line}: ${message}`);
}
