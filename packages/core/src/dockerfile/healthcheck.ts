import { parseGoDuration } from "../go-duration.js";
import type { HealthConfig } from "../oci.js";
import type { CommandLine } from "./types.js";

const MINIMUM_DURATION_NS = 1e6;
const durationFlags = [
  ["interval", "Interval"],
  ["timeout", "Timeout"],
  ["start-period", "StartPeriod"],
  ["start-interval", "StartInterval"],
] as const;

/**
 * HEALTHCHECK [flags] NONE | CMD <command>: docker's HealthConfig, durations in nanoseconds,
 * zero values left out as docker's omitempty does. Returns the config or an error message.
 */
export function buildHealthConfig(
  type: string,
  command: CommandLine,
  flags: Record<string, string>,
): HealthConfig | string {
  const upperType = type.toUpperCase();
  if (upperType === "NONE") {
    return command.form === "empty" ? { Test: ["NONE"] } : "HEALTHCHECK NONE takes no arguments";
  }
  if (upperType !== "CMD") return `Unknown type ${JSON.stringify(upperType)} in HEALTHCHECK (try CMD)`;
  let test: string[];
  if (command.form === "exec" && command.argv.length > 0) test = ["CMD", ...command.argv];
  else if (command.form === "shell") test = ["CMD-SHELL", command.command];
  else return "Missing command after HEALTHCHECK CMD";
  const health: HealthConfig = { Test: test };
  for (const [flag, field] of durationFlags) {
    const text = flags[flag];
    if (text === undefined || text === "") continue;
    let nanoseconds: number;
    try {
      nanoseconds = parseGoDuration(text);
    } catch (error) {
      return (error as Error).message;
    }
    if (nanoseconds < MINIMUM_DURATION_NS) return `Interval ${JSON.stringify(flag)} cannot be less than 1ms`;
    health[field] = nanoseconds;
  }
  const retries = flags.retries;
  if (retries !== undefined && retries !== "") {
    if (!/^[+-]?\d+$/.test(retries)) return `strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`;
    const count = Number(retries);
    if (count < 1) return `--retries must be at least 1 (not ${count})`;
    health.Retries = count;
  }
  return health;
}
