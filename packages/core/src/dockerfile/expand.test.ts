import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { expandVariables, expandVariablesToWords } from "./expand.js";

const env = { A: "a", EMPTY: "", SP: "x y", PATH: "/bin" };

describe("expandVariables", () => {
  it.each([
    ["$A", "a"],
    ["${A}", "a"],
    ["$A$A", "aa"],
    ["${A}b", "ab"],
    ["$Ab", ""],
    ["$A-b", "a-b"],
    ["$PATH:/usr/bin", "/bin:/usr/bin"],
    ["\\$A", "$A"],
    ["'$A'", "$A"],
    ['"$A"', "a"],
    ['"${A}b c"', "ab c"],
    ["${UNSET:-dflt}", "dflt"],
    ["${EMPTY:-dflt}", "dflt"],
    ["${A:-dflt}", "a"],
    ["${EMPTY-dflt}", ""],
    ["${UNSET-dflt}", "dflt"],
    ["${A:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-$A}", "a"],
    ["${UNSET:-'q $A'}", "q $A"],
    ["${A:?must be set}", "a"],
    ["$", "$"],
    ["a$", "a$"],
    ["$ a", "$ a"],
    ["$1", ""],
    ['"a\\"b"', 'a"b'],
    ['"a\\nb"', "a\\nb"],
    ['"a\\$b"', "a$b"],
    ["C:\\\\path", "C:\\path"],
    ["x\\ y", "x y"],
    ["'it''s'", "its"],
    ["end\\", "end"],
    ["${constructor}", ""],
  ])("%s → %s", (text, expected) => {
    expect(expandVariables(text, env)).toBe(expected);
  });

  it("uses the backtick escape when the Dockerfile says so", () => {
    expect(expandVariables("`$A \\$A", env, "`")).toBe("$A \\a");
  });

  it.each([
    ["${A", "syntax error: missing '}'"],
    ["${", "syntax error: missing '}'"],
    ["${}", "syntax error: bad substitution"],
    ["${:a}", "syntax error: bad substitution"],
    ["${A:xb}", "unsupported modifier (x) in substitution"],
    ["${A b}", "missing ':' in substitution"],
    ["'open", "unexpected end of statement while looking for matching single-quote"],
    ['"open', "unexpected end of statement while looking for matching double-quote"],
    ["${UNSET:?must be set}", "UNSET: must be set"],
    ["${EMPTY:?}", "EMPTY: is not allowed to be empty"],
    ["${UNSET?}", "UNSET: is not allowed to be unset"],
  ])("rejects %s", (text, message) => {
    try {
      expandVariables(text, env);
      expect.unreachable();
    } catch (error) {
      expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });
});

describe("expandVariablesToWords", () => {
  it("splits on unquoted whitespace, including whitespace from variables", () => {
    expect(expandVariablesToWords("$SP 80 '1 2' \"$SP\"", env)).toEqual(["x", "y", "80", "1 2", "x y"]);
    expect(expandVariablesToWords("  ", env)).toEqual([]);
  });
});
