import { dockerfileError } from "./dockerfile-error.js";
import type { ContainerConfig } from "../oci.js";
import { applyConfigInstruction, type ConfigStepState } from "./apply-instruction.js";
import { splitLogicalLines } from "./logical-lines.js";
import { parseInstruction, splitInstruction } from "./parse-instruction.js";

/** The instructions `import -c` and `commit -c` accept. */
export const CHANGE_KEYWORDS = [
  "CMD", "ENTRYPOINT", "ENV", "EXPOSE", "HEALTHCHECK", "LABEL", "ONBUILD", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
] as const;
const allowed = new Set<string>(CHANGE_KEYWORDS);

/**
 * `docker import -c` / `docker commit -c`: applies Dockerfile lines to a container config like
 * docker's BuildFromConfig (the lines are joined with newlines and parsed as one Dockerfile).
 * Any other instruction: INVALID_ARGUMENT `<instr> is not a valid change command`. Returns a new
 * config; the input is not modified.
 */
export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  if (changes.length === 0) return config;
  const lexed = splitLogicalLines(changes.join("\n"));
  for (const line of lexed.lines) {
    const keyword = splitInstruction(line.text).word.toLowerCase();
    if (!allowed.has(keyword.toUpperCase())) throw dockerfileError({}, `${keyword} is not a valid change command`);
  }
  const instructions = lexed.lines.map((line) => parseInstruction(line, lexed.escapeChar));
  const state: ConfigStepState = { escapeChar: lexed.escapeChar, isCmdSet: false };
  return instructions.reduce((current, instruction) => applyConfigInstruction(current, instruction, state), config);
}
