import { invalidArgument } from "../errors.js";
import { DEFAULT_CAPABILITIES, LINUX_CAPABILITIES } from "./runtime-defaults.js";

export interface CapabilityOptions {
  /** --privileged: every capability, whatever add and drop say. */
  privileged?: boolean;
  /** The host's /proc/sys/kernel/cap_last_cap: "all" stops there (default: every known one). */
  lastCap?: number;
  /**
   * The engine's own bounding set (CapBnd), bit N = capability N: `--privileged` gets only those,
   * as docker's GetAllCapabilities does (a capability the host withholds cannot be given).
   */
  bounding?: bigint;
}

/** Every capability the host knows (docker's GetAllCapabilities), in number order. */
export function allCapabilities(lastCap = LINUX_CAPABILITIES.length - 1): string[] {
  return LINUX_CAPABILITIES.slice(0, lastCap + 1);
}

function normalize(names: readonly string[], known: readonly string[], field: "CapAdd" | "CapDrop"): string[] {
  return names.map((name) => {
    const upper = name.toUpperCase();
    if (upper === "ALL") return upper;
    const capability = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
    if (!known.includes(capability)) throw invalidArgument(`invalid ${field}: unknown capability: ${JSON.stringify(capability)}`);
    return capability;
  });
}

/**
 * The final capability set from `--cap-add`/`--cap-drop`, as docker's TweakCapabilities: names
 * in any case, with or without `CAP_`, and `ALL`. Adding ALL gives every capability except the
 * dropped ones; dropping ALL keeps only the added ones; otherwise the 14 defaults minus drops,
 * plus adds (without duplicates). Throws INVALID_ARGUMENT
 * `invalid CapAdd: unknown capability: "CAP_FOO"`.
 */
export function parseCapabilities(add: readonly string[], drop: readonly string[], options: CapabilityOptions = {}): string[] {
  const known = allCapabilities(options.lastCap);
  const drops = normalize(drop, known, "CapDrop");
  const adds = normalize(add, known, "CapAdd");
  const { bounding } = options;
  if (options.privileged === true) return bounding === undefined ? known : known.filter((_, number) => ((bounding >> BigInt(number)) & 1n) === 1n);
  let result: string[];
  if (adds.includes("ALL")) result = known.filter((capability) => !drops.includes(capability));
  else if (drops.includes("ALL")) result = adds;
  else result = [...DEFAULT_CAPABILITIES.filter((capability) => !drops.includes(capability)), ...adds];
  return [...new Set(result)];
}
