import * as z from "zod";
import { BerthError, invalidArgument } from "../errors.js";
import { parseSignal } from "../signals.js";
import { goQuote, parseGoInt, parseGoRational } from "./go-strconv.js";

// Values of `docker run` flags, parsed and checked with docker's messages. Parsers named after a
// flag (parseCpus, parseCpuShares…) give the whole message pflag prints; value parsers used by
// several flags (parseMemoryBytes) give the bare reason, for flagValue() to wrap.

/** pflag's wrapping of a rejected value: `invalid argument "10zz" for "-m, --memory" flag: …`. */
export function invalidFlagValue(flag: string, value: string, reason: string): BerthError {
  return invalidArgument(`invalid argument ${goQuote(value)} for "${flag}" flag: ${reason}`);
}

/** Runs a value parser for a flag, wrapping its error as pflag does. */
export function flagValue<T>(flag: string, value: string, parse: (value: string) => T): T {
  try {
    return parse(value);
  } catch (error) {
    throw invalidFlagValue(flag, value, (error as Error).message);
  }
}

const binaryUnits: Readonly<Record<string, number>> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/**
 * docker's `units.RAMInBytes` (go-units 0.4, docker 20.10): a number with an optional fraction, an
 * optional space, then b, k, m, g, t or p in any case, optionally followed by `i` and/or `b`
 * (`512m`, `1.5G`, `64MiB`, `32 kb`). Throws INVALID_ARGUMENT `invalid size: '10zz'`.
 */
export function parseMemoryBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (match === null) throw invalidArgument(`invalid size: '${text}'`);
  const number = match[1]!;
  if (number.split(".").length > 2) throw invalidArgument(`strconv.ParseFloat: parsing ${goQuote(number)}: invalid syntax`);
  return Math.trunc(Number(number) * binaryUnits[(match[2] ?? "").toLowerCase()]!);
}

/** `--memory-swap`: a size, or `-1` for unlimited swap. */
export function parseMemorySwap(text: string): number {
  return text === "-1" ? -1 : parseMemoryBytes(text);
}

/**
 * `--cpus` → NanoCpus, as docker's `opts.ParseCPUs` (a `big.Rat`: `1.5`, `0.25`, `3/2`, `2e-1`).
 * Throws `invalid argument "x" for "--cpus" flag: failed to parse x as a rational number` or
 * `…: value is too precise`. The sign and the host's CPU count are checked by checkResources, as
 * the daemon does.
 */
export function parseCpus(text: string): number {
  const rational = parseGoRational(text);
  if (rational === undefined) throw invalidFlagValue("--cpus", text, `failed to parse ${text} as a rational number`);
  const scaled = rational.numerator * 1_000_000_000n;
  if (scaled % rational.denominator !== 0n) throw invalidFlagValue("--cpus", text, "value is too precise");
  return Number(scaled / rational.denominator);
}

/** `-c, --cpu-shares` (a Go int64; 0 = the default weight). */
export function parseCpuShares(text: string): number {
  return flagValue("-c, --cpu-shares", text, parseGoInt);
}

/** `--pids-limit` (a Go int64; 0 or -1 = unlimited). */
export function parsePidsLimit(text: string): number {
  return flagValue("--pids-limit", text, parseGoInt);
}

/** `--stop-timeout` seconds (a Go int; -1 = wait forever). */
export function parseStopTimeout(text: string): number {
  return flagValue("--stop-timeout", text, parseGoInt);
}

/** `--oom-score-adj` (a Go int; docker accepts -1000…1000, see checkResources). */
export function parseOomScoreAdj(text: string): number {
  return flagValue("--oom-score-adj", text, parseGoInt);
}

/** `--stop-signal`: kept as typed (Config.StopSignal), checked like the daemon: `Invalid signal: X`. */
export function parseStopSignal(text: string): string {
  parseSignal(text);
  return text;
}

export const RESTART_POLICY_NAMES = ["no", "always", "unless-stopped", "on-failure"] as const;
export type RestartPolicyName = (typeof RESTART_POLICY_NAMES)[number];

export const restartPolicySchema = z.object({
  Name: z.enum(RESTART_POLICY_NAMES),
  MaximumRetryCount: z.number().int().min(0),
});
/** docker's HostConfig.RestartPolicy. */
export type RestartPolicy = z.infer<typeof restartPolicySchema>;

/**
 * `--restart no|always|unless-stopped|on-failure[:N]` with the CLI's and the daemon's messages:
 * `invalid restart policy format`, `maximum retry count must be an integer`,
 * `maximum retry count cannot be negative`, `maximum retry count cannot be used with restart
 * policy 'always'`, `invalid restart policy 'sometimes'`. An empty text means "no".
 */
export function parseRestartPolicy(text: string): RestartPolicy {
  if (text === "") return { Name: "no", MaximumRetryCount: 0 };
  const parts = text.split(":");
  if (parts.length > 2) throw invalidArgument("invalid restart policy format");
  let count = 0;
  if (parts.length === 2) {
    if (!/^[+-]?\d+$/.test(parts[1]!)) throw invalidArgument("maximum retry count must be an integer");
    count = Number(parts[1]);
  }
  const name = parts[0]!;
  switch (name) {
    case "always":
    case "unless-stopped":
    case "no":
      if (count !== 0) throw invalidArgument(`maximum retry count cannot be used with restart policy '${name}'`);
      return { Name: name, MaximumRetryCount: 0 };
    case "on-failure":
      if (count < 0) throw invalidArgument("maximum retry count cannot be negative");
      return { Name: name, MaximumRetryCount: count };
    case "":
      return { Name: "no", MaximumRetryCount: 0 };
    default:
      throw invalidArgument(`invalid restart policy '${name}'`);
  }
}

/** `-u user[:group]` split like runc's parseLine (extra `:` fields are ignored). */
export function parseUserSpec(text: string): { user: string; group: string | undefined } {
  const [user = "", group] = text.split(":");
  return { user, group };
}

/** The caller's environment for `-e NAME` and env-file lines without `=` (process.env in the CLI). */
export type CallerEnv = Readonly<Record<string, string | undefined>>;

/**
 * `-e/--env` (docker's ValidateEnv): `NAME=value` as is; `NAME` alone takes the caller's value when
 * it has one, else stays `NAME` (which later unsets NAME). Throws
 * `invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x`.
 */
export function parseEnvFlag(text: string, callerEnv: CallerEnv): string {
  const name = text.split("=", 1)[0]!;
  if (name === "") throw invalidFlagValue("-e, --env", text, `invalid environment variable: ${text}`);
  if (text.includes("=")) return text;
  const value = callerEnv[name];
  return value === undefined ? text : `${name}=${value}`;
}

/**
 * docker's key=value file reader (`--env-file`, `--label-file`): a UTF-8 BOM dropped, leading
 * whitespace trimmed, empty and `#` lines skipped, values kept verbatim; a line that is only a name
 * takes the value from `lookup` or is dropped. Throws `poorly formatted environment: variable 'A B'
 * contains whitespaces` / `…: no variable name on line '=x'`.
 */
export function parseKeyValueFile(text: string, lookup?: (name: string) => string | undefined): string[] {
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  if (lines.at(-1) === "") lines.pop();
  const result: string[] = [];
  for (const rawLine of lines) {
    const line = rawLine.replace(/\r$/, "").trimStart();
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    const variable = (equals < 0 ? line : line.slice(0, equals)).replace(/^[ \t]+/, "");
    if (/[ \t]/.test(variable)) throw invalidArgument(`poorly formatted environment: variable '${variable}' contains whitespaces`);
    if (variable === "") throw invalidArgument(`poorly formatted environment: no variable name on line '${line}'`);
    if (equals >= 0) {
      result.push(`${variable}=${line.slice(equals + 1)}`);
    } else {
      const value = lookup?.(line);
      if (value !== undefined) result.push(`${line.trim()}=${value}`);
    }
  }
  return result;
}

/** `--env-file` contents: docker's env-file rules, `NAME` alone taking the caller's value. */
export function parseEnvFile(text: string, callerEnv: CallerEnv): string[] {
  return parseKeyValueFile(text, (name) => callerEnv[name]);
}

/**
 * The container's Env from `--env-file` contents (in order) then `-e` flags, as docker's
 * ReadKVEnvStrings: later entries are appended, the daemon's merge resolves duplicates.
 */
export function parseEnvOptions(envFlags: readonly string[], envFiles: readonly string[], callerEnv: CallerEnv): string[] {
  return [
    ...envFiles.flatMap((text) => parseEnvFile(text, callerEnv)),
    ...envFlags.map((flag) => parseEnvFlag(flag, callerEnv)),
  ];
}

/**
 * `-l/--label` flags and `--label-file` contents → Config.Labels (a file line without `=` is
 * dropped; a flag `key` alone means an empty value). Throws
 * `invalid argument "=x" for "-l, --label" flag: invalid label '=x': empty name` or
 * `… label 'a b' contains whitespaces`.
 */
export function parseLabels(labelFlags: readonly string[], labelFiles: readonly string[] = [], flagName = "-l, --label"): Record<string, string> {
  for (const flag of labelFlags) {
    const key = flag.split("=", 1)[0]!.replace(/^[ \t]+/, "");
    if (key === "") throw invalidFlagValue(flagName, flag, `invalid label '${flag}': empty name`);
    if (/[ \t]/.test(key)) throw invalidFlagValue(flagName, flag, `label '${key}' contains whitespaces`);
  }
  return parseKeyValues([...labelFiles.flatMap((text) => parseKeyValueFile(text)), ...labelFlags]);
}

/** `key=value` entries (a bare `key`: an empty value) as a map, the last of a key winning (docker's MapOpts). */
export function parseKeyValues(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    if (equals < 0) map[entry] = "";
    else map[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return map;
}
