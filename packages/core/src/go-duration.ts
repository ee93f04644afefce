import { invalidArgument } from "./errors.js";

/** Nanoseconds per unit of Go's time.ParseDuration. */
const unitNanoseconds: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "\u00b5s": 1e3,
  "\u03bcs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

const segmentPattern = /^(\d*)(?:\.(\d*))?([^\d.]*)/;

/**
 * Go's `time.ParseDuration`: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, e.g. `10m`, `1h30m`, `1.5s`, `-2h`;
 * a bare `0` is zero. Returns nanoseconds. Throws INVALID_ARGUMENT with Go's wording.
 */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") throw invalidArgument(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== "") {
    const match = segmentPattern.exec(rest);
    const whole = match?.[1] ?? "";
    const fraction = match?.[2];
    const unit = match?.[3] ?? "";
    if (match === null || (whole === "" && (fraction === undefined || fraction === ""))) {
      throw invalidArgument(`time: invalid duration ${quoted}`);
    }
    if (unit === "") throw invalidArgument(`time: missing unit in duration ${quoted}`);
    const scale = unitNanoseconds[unit];
    if (scale === undefined) {
      throw invalidArgument(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    }
    total += Number(`${whole || "0"}.${fraction || "0"}`) * scale;
    rest = rest.slice(match[0].length);
  }
  return sign * Math.round(total);
}
