import { SPACE } from "./logical-lines.js";

const spacePattern = new RegExp(`^[${SPACE}]$`);
const isSpace = (char: string) => spacePattern.test(char);
/** Docker's reWhitespace: the separators of whitespace-delimited argument lists. */
export const WHITESPACE = /[\t\v\f\r ]+/;

/** Thrown by {@link parseJsonArray} for `["a", 1]`: JSON, but not a string array. */
export const NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only";

/**
 * Exec form: a JSON array of strings. Returns undefined when the text is not JSON (shell form);
 * throws NOT_STRING_ARRAY (as a plain Error) for a JSON array holding something else.
 */
export function parseJsonArray(text: string): string[] | undefined {
  const trimmed = text.replace(new RegExp(`^[${SPACE}]+`), "");
  if (!trimmed.startsWith("[")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  if (!value.every((item): item is string => typeof item === "string")) throw new Error(NOT_STRING_ARRAY);
  return value;
}

/** Splits on whitespace, dropping empty ends (docker's parseStringsWhitespaceDelimited). */
export function splitWhitespace(text: string): string[] {
  return text === "" ? [] : text.split(WHITESPACE).filter((word) => word !== "");
}

/**
 * Docker's parseWords: whitespace-separated words where quotes and escapes group characters;
 * the quotes and escape characters are kept (they are removed later, during expansion).
 */
export function parseWords(text: string, escapeChar: string): string[] {
  const chars = Array.from(text);
  const words: string[] = [];
  let word = "";
  let blankOk = false;
  let phase: "spaces" | "word" | "quote" = "spaces";
  let quote = "";
  for (let i = 0; i < chars.length; i++) {
    let char = chars[i]!;
    if (phase === "spaces") {
      if (isSpace(char)) continue;
      phase = "word";
    }
    if (phase === "word") {
      if (isSpace(char)) {
        if (blankOk || word !== "") words.push(word);
        word = "";
        blankOk = false;
        phase = "spaces";
        continue;
      }
      if (char === "'" || char === '"') {
        quote = char;
        blankOk = true;
        phase = "quote";
      } else if (char === escapeChar) {
        if (i + 1 === chars.length) continue;
        word += char;
        char = chars[++i]!;
      }
      word += char;
      continue;
    }
    if (char === quote) {
      phase = "word";
    } else if (char === escapeChar && quote !== "'") {
      if (i + 1 === chars.length) {
        phase = "word";
        continue;
      }
      word += char;
      char = chars[++i]!;
    }
    word += char;
  }
  if (phase !== "spaces" && (blankOk || word !== "")) words.push(word);
  return words;
}

/**
 * Docker's extractBuilderFlags: leading `--name[=value]` words (quotes and `\` group characters),
 * up to the first word that does not start with `--` or a bare `--`. Returns the flags and the rest.
 */
export function extractBuilderFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isSpace(line[i]!)) i += 1;
    if (!line.startsWith("--", i)) return { flags, rest: line.slice(i) };
    let word = "";
    let quote: string | undefined;
    let quoted = false;
    for (; i < line.length; i++) {
      const char = line[i]!;
      if (quote === undefined && isSpace(char)) break;
      if (quote === undefined && (char === "'" || char === '"')) {
        quote = char;
        quoted = true;
      } else if (char === quote) {
        quote = undefined;
      } else if (char === "\\") {
        if (i + 1 < line.length) word += line[++i]!;
      } else {
        word += char;
      }
    }
    if (word === "--") return { flags, rest: line.slice(i).replace(/^[\t\v\f\r ]+/, "") };
    if (quoted || word !== "") flags.push(word);
  }
}
