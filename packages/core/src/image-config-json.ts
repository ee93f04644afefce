import { encodeGoJson, sortByGoKey } from "./go-json.js";
import type { ContainerConfig, HistoryEntry, ImageConfig } from "./oci.js";

/** Field order of docker's container.Config struct, which Go marshals in declaration order. */
const containerConfigOrder = [
  "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "ExposedPorts",
  "Tty", "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck", "ArgsEscaped", "Image", "Volumes",
  "WorkingDir", "Entrypoint", "NetworkDisabled", "MacAddress", "OnBuild", "Labels", "StopSignal",
  "StopTimeout", "Shell",
];
/** Go maps inside container.Config: their keys are written sorted. */
const containerConfigMaps = new Set(["ExposedPorts", "Volumes", "Labels"]);
const healthConfigOrder = ["Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"];
const historyOrder = ["created", "author", "created_by", "comment", "empty_layer"];
const rootFsOrder = ["type", "diff_ids"];

/**
 * Image config bytes as Docker writes a new config (commit, build, import): Go encoding/json,
 * compact, `<>&` escaped, top-level keys sorted (Docker round-trips them through a map), nested
 * structs in Docker's field order, map keys sorted. Absent (undefined) fields are left out;
 * the caller decides which fields exist. Never use this to re-serialize a received config.
 */
export function serializeImageConfig(config: ImageConfig): Uint8Array {
  const top = sortByGoKey(Object.entries(config)).map(([key, value]): [string, unknown] => {
    if ((key === "config" || key === "container_config") && isRecord(value)) {
      return [key, orderContainerConfig(value as ContainerConfig)];
    }
    if (key === "rootfs" && isRecord(value)) return [key, orderFields(value, rootFsOrder)];
    if (key === "history" && Array.isArray(value)) {
      return [key, value.map((entry: HistoryEntry) => (isRecord(entry) ? orderFields(entry, historyOrder) : entry))];
    }
    return [key, value];
  });
  return new TextEncoder().encode(encodeGoJson(Object.fromEntries(top)));
}

function orderContainerConfig(config: ContainerConfig): Record<string, unknown> {
  const ordered = orderFields(config, containerConfigOrder);
  for (const [key, value] of Object.entries(ordered)) {
    if (containerConfigMaps.has(key) && isRecord(value)) {
      ordered[key] = Object.fromEntries(sortByGoKey(Object.entries(value)));
    } else if (key === "Healthcheck" && isRecord(value)) {
      ordered[key] = orderFields(value, healthConfigOrder);
    }
  }
  return ordered;
}

/** Known fields first in the given order, then any others in their original order. */
function orderFields(value: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of order) if (key in value) result[key] = value[key];
  for (const [key, member] of Object.entries(value)) if (!(key in result)) result[key] = member;
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
