import { invalidArgument } from "./errors.js";
import { formatRfc3339Nano } from "./render/time.js";

export interface GoJsonOptions {
  /** Write `<`, `>`, `&` as `\u003c` `\u003e` `\u0026` (Go's json.Marshal default). */
  escapeHtml?: boolean;
}

/**
 * Compact JSON the way Go's encoding/json writes it. Objects keep their key order (sort them
 * first where Go would, i.e. for maps); `undefined` members are omitted; a Date is RFC3339Nano;
 * U+2028/U+2029 are escaped and lone surrogates become U+FFFD, as Go does for invalid UTF-8.
 */
export function encodeGoJson(value: unknown, options: GoJsonOptions = {}): string {
  const escapeHtml = options.escapeHtml ?? true;
  const encode = (item: unknown): string => {
    if (item === null || item === undefined) return "null";
    if (typeof item === "string") return quoteGoString(item, escapeHtml);
    if (typeof item === "boolean") return item ? "true" : "false";
    if (typeof item === "number") {
      if (!Number.isFinite(item)) throw invalidArgument(`json: unsupported value: ${item}`);
      return JSON.stringify(item);
    }
    if (typeof item === "bigint") return item.toString();
    if (item instanceof Date) return quoteGoString(formatRfc3339Nano(item), escapeHtml);
    if (Array.isArray(item)) return `[${item.map((element) => encode(element)).join(",")}]`;
    if (item instanceof Map) return encode(Object.fromEntries(sortByGoKey([...item.entries()])));
    if (typeof item === "object") {
      const members = Object.entries(item).filter(([, member]) => member !== undefined);
      return `{${members.map(([key, member]) => `${quoteGoString(key, escapeHtml)}:${encode(member)}`).join(",")}}`;
    }
    throw invalidArgument(`json: unsupported type: ${typeof item}`);
  };
  return encode(value);
}

/** Sorts [key, value] pairs by the UTF-8 bytes of the key, as Go sorts map keys. */
export function sortByGoKey<T>(entries: Array<[string, T]>): Array<[string, T]> {
  return entries.sort(([a], [b]) => compareUtf8(a, b));
}

/** Compares two strings by their UTF-8 encoding (code point order). */
export function compareUtf8(a: string, b: string): number {
  const left = Array.from(a, (char) => char.codePointAt(0)!);
  const right = Array.from(b, (char) => char.codePointAt(0)!);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i]! - right[i]!;
  }
  return left.length - right.length;
}

const shortEscapes: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function quoteGoString(text: string, escapeHtml: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    const code = text.charCodeAt(i);
    const short = shortEscapes[char];
    if (short !== undefined) {
      out += short;
    } else if (code < 0x20 || code === 0x2028 || code === 0x2029 || (escapeHtml && /[<>&]/.test(char))) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      out += char + text[i + 1]!;
      i += 1;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += "\\ufffd";
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
