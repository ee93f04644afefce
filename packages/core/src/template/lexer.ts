import { parseError } from "./template-error.js";

export type TokenKind =
  | "text" | "open" | "close" | "field" | "variable" | "identifier" | "string" | "number" | "bool"
  | "nil" | "dot" | "pipe" | "lparen" | "rparen" | "declare" | "assign" | "comma";

export interface Token {
  kind: TokenKind;
  /** Source text, or for text/string tokens the value. */
  value: string;
  /** For field and variable tokens: the `.A.B` names after the head. */
  path: string[];
  /** 1-based line and column of the token in the format. */
  line: number;
  column: number;
  /** True when whitespace separates this token from the previous one. */
  spaced: boolean;
}

const keywordValues = new Set(["true", "false", "nil"]);
const identifierPattern = /^[\p{L}_][\p{L}\p{Nd}_]*/u;
const numberPattern = /^[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;
const fieldChainPattern = /^(?:\.[\p{L}_][\p{L}\p{Nd}_]*)+/u;

/**
 * Splits a Go text/template into text and action tokens. Supports `{{- ` / ` -}}` trim markers,
 * `{{/* comments *\/}}`, strings ("…" and `…`), numbers, fields `.A.B`, variables `$x.A`.
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  const lineAt = (at: number) => source.slice(0, at).split("\n").length;
  const columnAt = (at: number) => at - source.lastIndexOf("\n", at - 1) - 1;
  const push = (kind: TokenKind, value: string, at: number, spaced: boolean, path: string[] = []) =>
    tokens.push({ kind, value, path, line: lineAt(at), column: columnAt(at), spaced });

  while (pos < source.length) {
    const open = source.indexOf("{{", pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (open >= 0 && /^-[ \t\r\n]/.test(source.slice(open + 2, open + 4))) text = text.replace(/[ \t\r\n]+$/, "");
    if (text !== "") push("text", text, pos, false);
    if (open < 0) break;
    pos = lexAction(source, open, push);
  }
  return tokens;

  function lexAction(text: string, start: number, emit: typeof push): number {
    let at = start + 2;
    if (/^-[ \t\r\n]/.test(text.slice(at, at + 2))) at += 2;
    const comment = /^\s*\/\*[\s\S]*?\*\/\s*/.exec(text.slice(at));
    if (comment !== null && text.startsWith("/*", at)) {
      at += comment[0].length;
      if (text.startsWith("-}}", at)) return trimAfter(text, at + 3);
      if (!text.startsWith("}}", at)) throw parseError(lineAt(at), "comment ends before closing delimiter");
      return at + 2;
    }
    emit("open", "{{", start, false);
    let spaced = false;
    for (;;) {
      if (at >= text.length) throw parseError(lineAt(start), "unclosed action");
      const rest = text.slice(at);
      if (/^[ \t\r\n]-}}/.test(rest)) {
        emit("close", "}}", at, true);
        return trimAfter(text, at + 4);
      }
      if (/^[ \t\r\n]/.test(rest)) {
        at += 1;
        spaced = true;
        continue;
      }
      if (rest.startsWith("}}")) {
        emit("close", "}}", at, spaced);
        return at + 2;
      }
      const match = lexOperand(rest);
      if (match === undefined) throw parseError(lineAt(at), `unexpected ${JSON.stringify(rest[0])} in command`);
      emit(match.kind, match.value, at, spaced, match.path);
      at += match.length;
      spaced = false;
    }
  }

  function trimAfter(text: string, at: number): number {
    const space = /^[ \t\r\n]*/.exec(text.slice(at));
    return at + (space?.[0].length ?? 0);
  }
}

interface Lexeme {
  kind: TokenKind;
  value: string;
  length: number;
  path: string[];
}

function lexOperand(rest: string): Lexeme | undefined {
  const simple: Array<[string, TokenKind]> = [[":=", "declare"], ["|", "pipe"], ["(", "lparen"], [")", "rparen"], ["=", "assign"], [",", "comma"]];
  for (const [text, kind] of simple) if (rest.startsWith(text)) return { kind, value: text, length: text.length, path: [] };
  const field = fieldChainPattern.exec(rest);
  if (field !== null) return { kind: "field", value: field[0], length: field[0].length, path: field[0].slice(1).split(".") };
  if (rest.startsWith(".") && !/^\.\d/.test(rest)) return { kind: "dot", value: ".", length: 1, path: [] };
  if (rest.startsWith("$")) {
    const name = /^\$[\p{L}\p{Nd}_]*/u.exec(rest)![0];
    const chain = fieldChainPattern.exec(rest.slice(name.length))?.[0] ?? "";
    return { kind: "variable", value: name, length: name.length + chain.length, path: chain === "" ? [] : chain.slice(1).split(".") };
  }
  if (rest.startsWith('"')) {
    const quoted = /^"(?:[^"\\\n]|\\.)*"/.exec(rest);
    if (quoted === null) return undefined;
    const value = unquote(quoted[0]);
    return value === undefined ? undefined : { kind: "string", value, length: quoted[0].length, path: [] };
  }
  if (rest.startsWith("`")) {
    const end = rest.indexOf("`", 1);
    if (end < 0) return undefined;
    return { kind: "string", value: rest.slice(1, end), length: end + 1, path: [] };
  }
  const number = numberPattern.exec(rest);
  if (number !== null) return { kind: "number", value: number[0], length: number[0].length, path: [] };
  const word = identifierPattern.exec(rest);
  if (word !== null) {
    const kind: TokenKind = keywordValues.has(word[0]) ? (word[0] === "nil" ? "nil" : "bool") : "identifier";
    return { kind, value: word[0], length: word[0].length, path: [] };
  }
  return undefined;
}

/** Go's strconv.Unquote for a double-quoted string (the escapes JSON shares, plus \x, \a, \v). */
function unquote(quoted: string): string | undefined {
  const body = quoted
    .slice(1, -1)
    .replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")
    .replace(/\\a/g, "\\u0007")
    .replace(/\\v/g, "\\u000b")
    .replace(/\\'/g, "'");
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return undefined;
  }
}
