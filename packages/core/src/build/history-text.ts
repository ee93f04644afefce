import type { ContainerConfig, HealthConfig } from "../oci.js";
import { goQuote } from "../container/go-strconv.js";
import { envListToRecord } from "../dockerfile/apply-instruction.js";

// The CREATED BY texts of docker's classic builder (docker 20.10, checked against it): a
// metadata step is `<shell> #(nop)  <comment>` (two spaces: "#(nop) " and the comment are
// separate words), a WORKDIR, ADD or COPY step `<shell> #(nop) <comment>`, a RUN step its
// command, prefixed with `|N K=V…` when build args are in effect.

const DEFAULT_SHELL = ["/bin/sh", "-c"];

function shellOf(config: ContainerConfig): string[] {
  return config.Shell !== undefined && config.Shell.length > 0 ? config.Shell : DEFAULT_SHELL;
}

/** container_config.Cmd of a metadata step: the cache key and, joined, the history text. */
export function metadataCommand(config: ContainerConfig, comment: string): string[] {
  return [...shellOf(config), "#(nop) ", comment];
}

/** container_config.Cmd of a WORKDIR, ADD or COPY step. */
export function fileStepCommand(config: ContainerConfig, comment: string): string[] {
  return [...shellOf(config), `#(nop) ${comment}`];
}

/**
 * The build args a RUN step sees, sorted: declared ARGs with a value that no ENV of the same
 * name overrides. They go into the RUN container's environment and into its saved command.
 */
export function runBuildArgs(config: ContainerConfig, args: Readonly<Record<string, string | undefined>>): string[] {
  const env = envListToRecord(config.Env);
  return Object.entries(args)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && !Object.hasOwn(env, entry[0]))
    .map(([key, value]) => `${key}=${value}`)
    .sort();
}

/** container_config.Cmd of a RUN step: `|N K=V…` before the command when build args apply. */
export function runSavedCommand(command: readonly string[], buildArgs: readonly string[]): string[] {
  return buildArgs.length === 0 ? [...command] : [`|${buildArgs.length}`, ...buildArgs, ...command];
}

/** Go's %q of a []string: `["a" "b"]`. */
export function goQuoteList(list: readonly string[]): string {
  return `[${list.map(goQuote).join(" ")}]`;
}

/** Go's %v of a []string: `[a b]`. */
export function goList(list: readonly string[]): string {
  return `[${list.join(" ")}]`;
}

const units: Array<[string, number]> = [["h", 3600e9], ["m", 60e9]];

/** Go's time.Duration.String() for nanoseconds: `0s`, `1.5s`, `1m30s`, `500ms`, `2h0m0s`. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    const [unit, size] = rest < 1e3 ? ["ns", 1] : rest < 1e6 ? ["µs", 1e3] : ["ms", 1e6];
    return `${sign}${trimFraction(rest / (size as number))}${unit}`;
  }
  let text = "";
  for (const [unit, size] of units) {
    if (rest >= size || text !== "") {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return `${sign}${text}${trimFraction(rest / 1e9)}s`;
}

function trimFraction(value: number): string {
  return String(Number(value.toFixed(9)));
}

/** Go's %q of an int (a rune literal): `'\x00'`, `'A'`. */
function goRune(value: number): string {
  if (value >= 0x20 && value < 0x7f) return value === 0x27 || value === 0x5c ? `'\\${String.fromCharCode(value)}'` : `'${String.fromCharCode(value)}'`;
  return `'\\x${value.toString(16).padStart(2, "0")}'`;
}

/** HEALTHCHECK's comment: Go's %q of docker 20.10's *HealthConfig. */
export function healthcheckComment(health: HealthConfig): string {
  const durations = [health.Interval, health.Timeout, health.StartPeriod].map((ns) => goQuote(formatGoDuration(ns ?? 0)));
  return `HEALTHCHECK &{${goQuoteList(health.Test ?? [])} ${durations.join(" ")} ${goRune(health.Retries ?? 0)}}`;
}
