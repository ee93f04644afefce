import { splitLogicalLines } from "./logical-lines.js";
import { parseInstruction } from "./parse-instruction.js";
import type { ParsedDockerfile } from "./types.js";

export interface ParseDockerfileOptions {
  /** Named in error messages (`Dockerfile:3: unknown instruction: FOO`); default "Dockerfile". */
  fileName?: string;
}

/**
 * Parses a Dockerfile: parser directives, comments, continuation lines, case-insensitive
 * keywords, exec vs shell form, ENV/LABEL pairs, flags. Values are returned as written: variable
 * substitution ({@link expandVariables}) happens while building, with the environment of that step.
 * Throws INVALID_ARGUMENT naming the file and line.
 */
export function parseDockerfile(text: string, options: ParseDockerfileOptions = {}): ParsedDockerfile {
  const fileName = options.fileName ?? "Dockerfile";
  const lexed = splitLogicalLines(text, fileName);
  return {
    directives: lexed.directives,
    escapeChar: lexed.escapeChar,
    instructions: lexed.lines.map((line) => parseInstruction(line, lexed.escapeChar, fileName)),
  };
}
