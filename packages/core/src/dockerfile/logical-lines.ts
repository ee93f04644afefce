import { dockerfileError } from "./dockerfile-error.js";

/** One instruction's text with continuation lines joined and comments dropped. */
export interface LogicalLine {
  text: string;
  /** 1-based first and last physical line. */
  line: number;
  endLine: number;
}

export interface LexedDockerfile {
  directives: Record<string, string>;
  escapeChar: string;
  lines: LogicalLine[];
}

/** Go's unicode.IsSpace set (JavaScript's \s differs on U+FEFF and U+0085). */
export const SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const leadingSpace = new RegExp(`^[${SPACE}]+`);
const directivePattern = /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/;
const knownDirectives = new Set(["escape", "syntax", "check"]);

const isComment = (line: string) => line.replace(leadingSpace, "").startsWith("#");

/**
 * The first pass of docker's Dockerfile parser: parser directives at the very top (`# escape=`,
 * `# syntax=`), `#` comment lines, and lines continued with the escape character. Comment and
 * blank lines inside a continuation are skipped.
 */
export function splitLogicalLines(text: string, fileName?: string): LexedDockerfile {
  const physical = text.replace(/^\uFEFF/, "").split("\n").map((line) => line.replace(/\r$/, ""));
  const directives: Record<string, string> = {};
  let escapeChar = "\\";
  let continuation = /\\[ \t]*$/;
  let directivesDone = false;

  const readDirective = (line: string, lineNumber: number): void => {
    if (directivesDone) return;
    const match = directivePattern.exec(line);
    const name = match?.[1]?.toLowerCase();
    if (match === null || name === undefined || !knownDirectives.has(name)) {
      directivesDone = true;
      return;
    }
    if (name in directives) {
      throw dockerfileError({ fileName, line: lineNumber }, `only one ${name} parser directive can be used`);
    }
    const value = match[2]!;
    if (name === "escape") {
      if (value !== "\\" && value !== "`") {
        throw dockerfileError({ fileName, line: lineNumber }, `invalid escape token '${value}' does not match \` or \\`);
      }
      escapeChar = value;
      continuation = new RegExp(`\\${value}[ \\t]*$`);
    }
    directives[name] = value;
  };
  const trimContinuation = (line: string): { text: string; continues: boolean } =>
    continuation.test(line) ? { text: line.replace(continuation, ""), continues: true } : { text: line, continues: false };

  const lines: LogicalLine[] = [];
  for (let index = 0; index < physical.length; index++) {
    const trimmed = physical[index]!.replace(leadingSpace, "");
    readDirective(trimmed, index + 1);
    const start = index + 1;
    let { text: joined, continues } = trimContinuation(trimmed.startsWith("#") ? "" : trimmed);
    if (!continues && joined === "") continue;
    while (continues && index + 1 < physical.length) {
      index += 1;
      const next = physical[index]!;
      if (isComment(next) || next.replace(leadingSpace, "") === "") continue;
      const part = trimContinuation(next);
      joined += part.text;
      continues = part.continues;
    }
    lines.push({ text: joined, line: start, endLine: index + 1 });
  }
  if (lines.length === 0) throw dockerfileError({ fileName }, "file with no instructions");
  return { directives, escapeChar, lines };
}
