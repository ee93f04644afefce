import { encodeGoJson } from "../go-json.js";
import { formatValue, isTruthy } from "./values.js";

/** A template function; it receives evaluated arguments and returns a value or throws an Error. */
export type TemplateFunction = (...args: unknown[]) => unknown;

const asString = (value: unknown): string => (typeof value === "string" ? value : formatValue(value));
const asNumber = (value: unknown, name: string): number => {
  if (typeof value !== "number") throw new Error(`wrong type for value; expected int; got ${typeof value} (in ${name})`);
  return value;
};
const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** strings.Title: upper-cases the first letter of each word. */
function titleCase(text: string): string {
  let previous = " ";
  let out = "";
  for (const char of text) {
    const isSeparator = /^[\x00-\x7f]$/.test(previous) ? !/^[A-Za-z0-9_]$/.test(previous) : /^\s$/u.test(previous);
    out += isSeparator ? char.toUpperCase() : char;
    previous = char;
  }
  return out;
}

/** Go's Sprint: a space between operands when neither side is a string. */
function sprint(args: unknown[]): string {
  return args.map((arg, i) => (i > 0 && typeof arg !== "string" && typeof args[i - 1] !== "string" ? " " : "") + formatValue(arg)).join("");
}

/** A small Printf: %s %v %d %q %t %% with an optional width (`%-10s`). */
function sprintf(format: unknown, ...args: unknown[]): string {
  let next = 0;
  return asString(format).replace(/%(-?\d*)([svdqt%])/g, (_match, width: string, verb: string) => {
    if (verb === "%") return "%";
    const arg = args[next++];
    const text = verb === "q" ? JSON.stringify(asString(arg)) : arg === undefined ? `%!${verb}(MISSING)` : formatValue(arg);
    const size = Math.abs(Number(width || 0));
    return width.startsWith("-") ? text.padEnd(size) : text.padStart(size);
  });
}

function indexValue(collection: unknown, ...keys: unknown[]): unknown {
  let current = collection;
  for (const key of keys) {
    if (Array.isArray(current) || typeof current === "string") {
      const position = asNumber(key, "index");
      if (!Number.isInteger(position) || position < 0 || position >= current.length) {
        throw new Error(`error calling index: index out of range: ${position}`);
      }
      current = current[position];
    } else if (current instanceof Map) {
      current = current.get(key);
    } else if (typeof current === "object" && current !== null) {
      const name = asString(key);
      current = Object.hasOwn(current, name) ? (current as Record<string, unknown>)[name] : undefined;
    } else {
      throw new Error(`error calling index: can't index item of type ${current === null ? "nil" : typeof current}`);
    }
  }
  return current;
}

function lengthOf(value: unknown): number {
  if (typeof value === "string") return utf8Length(value);
  if (Array.isArray(value)) return value.length;
  if (value instanceof Map) return value.size;
  if (typeof value === "object" && value !== null) return Object.keys(value).length;
  throw new Error(`error calling len: len of type ${value === null || value === undefined ? "nil" : typeof value}`);
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error("error calling lt: incompatible types for comparison");
}

/** docker's template functions plus the Go builtins berth supports. */
export const templateFunctions: Readonly<Record<string, TemplateFunction>> = {
  json: (value) => encodeGoJson(value, { escapeHtml: false }),
  join: (list, separator) => {
    if (!Array.isArray(list)) throw new Error("wrong type for value; expected []string");
    return list.map(asString).join(asString(separator));
  },
  split: (text, separator) => asString(text).split(asString(separator)),
  title: (text) => titleCase(asString(text)),
  lower: (text) => asString(text).toLowerCase(),
  upper: (text) => asString(text).toUpperCase(),
  pad: (text, prefix, suffix) => {
    const source = asString(text);
    return source === "" ? source : " ".repeat(asNumber(prefix, "pad")) + source + " ".repeat(asNumber(suffix, "pad"));
  },
  truncate: (text, length) => Array.from(asString(text)).slice(0, Math.max(asNumber(length, "truncate"), 0)).join(""),
  print: (...args) => sprint(args),
  println: (...args) => `${args.map(formatValue).join(" ")}\n`,
  printf: sprintf,
  len: lengthOf,
  index: indexValue,
  not: (value) => !isTruthy(value),
  and: (...args) => args.find((arg) => !isTruthy(arg)) ?? args[args.length - 1],
  or: (...args) => args.find((arg) => isTruthy(arg)) ?? args[args.length - 1],
  eq: (first, ...others) => others.some((other) => other === first),
  ne: (a, b) => a !== b,
  lt: (a, b) => compare(a, b) < 0,
  le: (a, b) => compare(a, b) <= 0,
  gt: (a, b) => compare(a, b) > 0,
  ge: (a, b) => compare(a, b) >= 0,
};

/** The names docker's table header rendering replaces by identity (the header stays intact). */
export const headerIdentityFunctions = new Set(["json", "split", "join", "title", "lower", "upper", "truncate"]);

/** [minimum, maximum] argument counts; Go reports `wrong number of args for join: want 2 got 1`. */
export const functionArity: Readonly<Record<string, readonly [number, number]>> = {
  json: [1, 1], join: [2, 2], split: [2, 2], title: [1, 1], lower: [1, 1], upper: [1, 1], pad: [3, 3],
  truncate: [2, 2], print: [0, Infinity], println: [0, Infinity], printf: [1, Infinity], len: [1, 1],
  index: [1, Infinity], not: [1, 1], and: [1, Infinity], or: [1, Infinity], eq: [1, Infinity], ne: [2, 2],
  lt: [2, 2], le: [2, 2], gt: [2, 2], ge: [2, 2],
};
