import { invalidArgument } from "./errors.js";

/**
 * Go's `path.Match`: `*` matches any run of characters except `/`, `?` one character except `/`,
 * `[abc]`, `[a-z]`, `[^a-z]` a character class, `\x` the character x. The whole name must match.
 * A malformed pattern throws INVALID_ARGUMENT `syntax error in pattern`, as Go reports ErrBadPattern.
 */
export function matchPathPattern(pattern: string, name: string): boolean {
  return compilePathPattern(pattern).test(name);
}

const cache = new Map<string, RegExp>();

/** Compiles a Go path.Match pattern into an anchored RegExp (cached). */
export function compilePathPattern(pattern: string): RegExp {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    compiled = new RegExp(`^${translatePattern(pattern)}$`, "u");
    if (cache.size > 256) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

function badPattern(): Error {
  return invalidArgument("syntax error in pattern");
}

function literal(char: string): string {
  return `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

function translatePattern(pattern: string): string {
  const chars = Array.from(pattern);
  let out = "";
  let i = 0;
  while (i < chars.length) {
    const char = chars[i]!;
    if (char === "*") {
      out += "[^/]*";
      i += 1;
    } else if (char === "?") {
      out += "[^/]";
      i += 1;
    } else if (char === "[") {
      const { source, next } = translateClass(chars, i + 1);
      out += source;
      i = next;
    } else if (char === "\\") {
      if (i + 1 >= chars.length) throw badPattern();
      out += literal(chars[i + 1]!);
      i += 2;
    } else {
      out += literal(char);
      i += 1;
    }
  }
  return out;
}

/** Translates a class body starting after `[`; returns the JS class and the index after `]`. */
function translateClass(chars: string[], start: number): { source: string; next: number } {
  let i = start;
  const negated = chars[i] === "^";
  if (negated) i += 1;
  const readChar = (): string => {
    const char = chars[i];
    if (char === undefined || char === "-" || char === "]") throw badPattern();
    if (char === "\\") {
      const escaped = chars[i + 1];
      if (escaped === undefined) throw badPattern();
      i += 2;
      return escaped;
    }
    i += 1;
    return char;
  };
  let body = "";
  let ranges = 0;
  for (;;) {
    if (chars[i] === "]" && ranges > 0) return { source: `[${negated ? "^" : ""}${body}]`, next: i + 1 };
    const low = readChar();
    let high = low;
    if (chars[i] === "-") {
      i += 1;
      high = readChar();
      if (high.codePointAt(0)! < low.codePointAt(0)!) throw badPattern();
    }
    body += low === high ? literal(low) : `${literal(low)}-${literal(high)}`;
    ranges += 1;
  }
}
