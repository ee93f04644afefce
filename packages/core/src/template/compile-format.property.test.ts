import fc from "fast-check";
import { describe, it } from "vitest";
import { BerthError } from "../errors.js";
import { compileFormat } from "./compile-format.js";

const piece = fc.constantFrom(
  "{{", "}}", "{{- ", " -}}", ".A", ".B.C", ".", "$", "$x", ":=", "=", "|", "(", ")", " ", "json", "join", "if", "else",
  "end", "range", "with", '"s"', "`r`", "1", "-2", "nil", "true", "table ", "\\t", "\\n", "/*", "*/", ",", "index", "len",
);
const format = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.array(piece, { maxLength: 14 }).map((p) => p.join("")));
const data = fc.oneof(fc.constant({ A: 1, B: { C: ["x", null] } }), fc.jsonValue());

describe("compileFormat properties", () => {
  it("compiles and renders, or throws a BerthError, for any format and data", () => {
    fc.assert(
      fc.property(format, data, (text, value) => {
        try {
          const compiled = compileFormat(text);
          compiled.render(value);
          compiled.headers({ A: "AAA" });
        } catch (error) {
          if (!(error instanceof BerthError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
