import { compareUtf8 } from "../go-json.js";
import { formatGoNumber } from "../render/go-number.js";
import { formatRfc3339Nano } from "../render/time.js";

/** What Go prints for a missing map entry. */
export const NO_VALUE = "<no value>";

/** Go template truth: false, 0, nil, and empty strings, lists and maps are false. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (typeof value === "object" && !(value instanceof Date)) return Object.keys(value).length > 0;
  return true;
}

/** How Go's fmt prints a value in a template: `[a b]` lists, `map[k:v]` maps, `<nil>`. */
export function formatValue(value: unknown): string {
  if (value === undefined) return NO_VALUE;
  if (value === null) return "<nil>";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatGoNumber(value);
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return formatGoTime(value);
  if (Array.isArray(value)) return `[${value.map(formatNested).join(" ")}]`;
  if (typeof value === "function") return "<func>";
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value as object);
  const sorted = entries.sort(([a], [b]) => compareUtf8(String(a), String(b)));
  return `map[${sorted.map(([key, item]) => `${String(key)}:${formatNested(item)}`).join(" ")}]`;
}

/** Inside a list or map Go prints nil as `<nil>` whatever it was. */
function formatNested(value: unknown): string {
  return value === undefined ? "<nil>" : formatValue(value);
}

/** Go's time.Time String() for a UTC time: `2021-03-04 12:34:56.78 +0000 UTC`. */
export function formatGoTime(date: Date): string {
  return formatRfc3339Nano(date).replace("T", " ").replace(/Z$/, " +0000 UTC");
}

/** Looks up one field; `undefined` when there is no such key. */
export function lookupField(receiver: unknown, name: string): { found: boolean; value: unknown } {
  if (receiver instanceof Map) return { found: receiver.has(name), value: receiver.get(name) };
  if (typeof receiver === "object" && receiver !== null && !Array.isArray(receiver)) {
    if (!hasField(receiver, name)) return { found: false, value: undefined };
    const value = (receiver as Record<string, unknown>)[name];
    return { found: true, value: typeof value === "function" ? value.bind(receiver) : value };
  }
  return { found: false, value: undefined };
}

/** Own properties, and getters or methods of class instances (never Object.prototype members). */
function hasField(receiver: object, name: string): boolean {
  if (Object.hasOwn(receiver, name)) return true;
  return name in receiver && !(name in Object.prototype);
}

/** A short Go-ish type name for error messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "interface {}";
  if (Array.isArray(value)) return "[]interface {}";
  if (value instanceof Map || (typeof value === "object" && !(value instanceof Date))) return "map[string]interface {}";
  if (value instanceof Date) return "time.Time";
  return typeof value === "number" ? "float64" : typeof value === "boolean" ? "bool" : typeof value;
}
