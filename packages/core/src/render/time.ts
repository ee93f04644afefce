import { invalidArgument } from "../errors.js";
import { parseGoDuration } from "../go-duration.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Docker's `units.HumanDuration(now - date) + " ago"`: "Less than a second ago", "1 second ago",
 * "About a minute ago", "51 minutes ago", "About an hour ago", "3 hours ago" (up to 47),
 * "2 days ago" (up to 13), "3 weeks ago" (under 60 days), "4 months ago" (under 730 days),
 * "2 years ago". A date in the future counts as "Less than a second".
 */
export function formatRelativeTime(date: Date, now: Date = new Date()): string {
  return `${formatHumanDuration(now.getTime() - date.getTime())} ago`;
}

/** Docker's `units.HumanDuration` for a span in milliseconds. */
export function formatHumanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / SECOND);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(milliseconds / MINUTE);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(milliseconds / HOUR + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(milliseconds / HOUR) / 24 / 365)} years`;
}

/**
 * Go's RFC3339Nano in UTC with trailing fractional zeros dropped: `2021-03-04T12:34:56.78Z`;
 * the zero time prints `0001-01-01T00:00:00Z`. (A Date holds milliseconds only.)
 */
export function formatRfc3339Nano(date: Date): string {
  if (Number.isNaN(date.getTime())) throw invalidArgument("invalid time value");
  return date.toISOString().replace(/\.?0*Z$/, "Z");
}

/** Go's RFC3339 (whole seconds) in UTC: `2021-03-04T12:34:56Z` (volume inspect's CreatedAt). */
export function formatRfc3339(date: Date): string {
  if (Number.isNaN(date.getTime())) throw invalidArgument("invalid time value");
  return date.toISOString().replace(/\.\d+Z$/, "Z");
}

/** The Go zero time, 0001-01-01T00:00:00Z, which docker prints for "never". */
export const ZERO_TIME = new Date("0001-01-01T00:00:00Z");

const datePart = "(\\d{4})-(\\d{2})-(\\d{2})";
const zonePart = "(Z|[+-]\\d{2}:\\d{2})";

/**
 * Parses `--since`/`--until` values like docker's `timetypes.GetTimestamp`: a Go duration
 * (`10m`, `1h30m`: that long before `now`), RFC 3339 date/time with or without zone and with
 * hour-only or minute precision (no zone = the local zone of `now`), or unix seconds
 * (`1700000000`, `1700000000.5`). Throws INVALID_ARGUMENT.
 */
export function parseTimeOrDuration(text: string, now: Date = new Date()): Date {
  if (text !== "0") {
    const nanoseconds = tryParseDuration(text);
    if (nanoseconds !== undefined) return new Date(now.getTime() - nanoseconds / 1e6);
  }
  const parsed = parseTimestamp(text, now);
  if (parsed !== undefined) return parsed;
  const unix = /^[+-]?\d+(?:\.(\d+))?$/.exec(text);
  if (!text.includes("-") && unix !== null) return new Date(Number(text) * 1000);
  throw invalidArgument(`failed to parse value as time or duration: ${JSON.stringify(text)}`);
}

function tryParseDuration(text: string): number | undefined {
  try {
    return parseGoDuration(text);
  } catch {
    return undefined;
  }
}

/** The layout choice of GetTimestamp, then a strict parse of that layout. */
function parseTimestamp(text: string, now: Date): Date | undefined {
  const isLocal = !(/[zZ+]/.test(text) || text.split("-").length - 1 === 3);
  let clock: string;
  if (text.includes(".")) {
    clock = "T(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{1,9})";
  } else if (text.includes("T")) {
    let colons = text.split(":").length - 1;
    if (!isLocal && !/[zZ]/.test(text) && colons > 0) colons -= 1;
    clock = ["T(\\d{2})", "T(\\d{2}):(\\d{2})"][colons] ?? "T(\\d{2}):(\\d{2}):(\\d{2})";
  } else {
    clock = "";
  }
  const match = new RegExp(`^${datePart}${clock}${isLocal ? "" : zonePart}$`).exec(text);
  if (match === null) return undefined;
  const fields = match.slice(1);
  const zone = isLocal ? undefined : fields.pop();
  const [year, month, day, hour, minute, second] = Array.from({ length: 6 }, (_, i) => Number(fields[i] ?? 0));
  const milliseconds = Number(`0.${fields[6] ?? "0"}`) * 1000;
  const check = new Date(0);
  check.setUTCFullYear(year!, month! - 1, day!);
  check.setUTCHours(hour!, minute!, second!, milliseconds);
  if (check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day! || hour! > 23 || minute! > 59 || second! > 59) {
    throw invalidArgument(`parsing time ${JSON.stringify(text)}: value out of range`);
  }
  const offsetMinutes = zone === undefined ? -now.getTimezoneOffset() : parseZoneOffset(zone);
  return new Date(check.getTime() - offsetMinutes * MINUTE);
}

function parseZoneOffset(zone: string): number {
  if (zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}
