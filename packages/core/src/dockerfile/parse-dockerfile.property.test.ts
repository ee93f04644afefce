import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BerthError } from "../errors.js";
import { applyChanges } from "./apply-changes.js";
import { expandVariables } from "./expand.js";
import { parseDockerfile } from "./parse-dockerfile.js";
import { INSTRUCTION_KEYWORDS } from "./parse-instruction.js";

const keyword = fc.oneof(
  fc.constantFrom(...INSTRUCTION_KEYWORDS).map((k) => k.toLowerCase()),
  fc.constantFrom(...INSTRUCTION_KEYWORDS),
  fc.constantFrom("FOO", "#", "# escape=`", "# escape=\\", "# syntax=x", "--x", ""),
);
const argChar = fc.constantFrom(
  " ", "\t", "a", "Z", "0", "=", "-", "--", "/", ":", '"', "'", "\\", "`", "$", "{", "}", "[", "]", ",", "#", "\n", "\r", "é", "\u0085",
);
const line = fc.tuple(keyword, fc.array(argChar, { maxLength: 20 })).map(([k, chars]) => `${k} ${chars.join("")}`);
const dockerfileish = fc.array(line, { maxLength: 8 }).map((lines) => lines.join("\n"));
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), dockerfileish);

/** Runs `action`; it may return or throw a BerthError, never anything else. */
function returnsOrThrowsBerthError(action: () => unknown): boolean {
  try {
    action();
  } catch (error) {
    if (!(error instanceof BerthError)) throw error;
  }
  return true;
}

describe("Dockerfile parser properties", () => {
  it("returns instructions or throws a BerthError for any text", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        returnsOrThrowsBerthError(() => {
          const { instructions } = parseDockerfile(text);
          expect(instructions.length).toBeGreaterThan(0);
          let previousEnd = 0;
          for (const instruction of instructions) {
            expect(instruction.line).toBeGreaterThan(previousEnd);
            expect(instruction.endLine).toBeGreaterThanOrEqual(instruction.line);
            expect(instruction.keyword).toBe(instruction.keyword.toUpperCase());
            previousEnd = instruction.endLine;
          }
        });
      }),
      { numRuns: 2000 },
    );
  });

  it("never fails with anything but a BerthError in applyChanges and expandVariables", () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 3 }), (changes) =>
        returnsOrThrowsBerthError(() => applyChanges({ Env: ["A=1"] }, changes)),
      ),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(anyText, (text) => returnsOrThrowsBerthError(() => expandVariables(text, { A: "1" }))), {
      numRuns: 1000,
    });
  });
});
