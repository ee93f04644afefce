import { errnoCode, type CgroupHost } from "./cgroup-host.js";

/** How often, and how long, waits on the kernel poll: 10 ms steps, 5 s in all. */
export const POLL_INTERVAL_MS = 10;
export const POLL_ATTEMPTS = 500;

/**
 * A file's text, or undefined when it (or its directory) does not exist: ENODEV is a cgroup file
 * opened while its group was being removed.
 */
export async function readIfExists(host: CgroupHost, path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await host.readFile(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENODEV") return undefined;
    throw error;
  }
}

/** The value of `key` in a flat-keyed file (`key value` lines: memory.stat, cgroup.events…). */
export function keyedValue(text: string | undefined, key: string): string | undefined {
  for (const line of (text ?? "").split("\n")) {
    const [name, value] = line.trim().split(/\s+/);
    if (name === key) return value;
  }
  return undefined;
}

/** A non-negative counter, 0 when absent or unreadable. */
export function parseCount(text: string | undefined): number {
  const value = Number.parseInt((text ?? "").trim(), 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * A limit in bytes or items, null for "unlimited": `max` on v2, and on v1 the page-rounded
 * 2^63-1 the kernel shows for no limit (anything at or beyond 2^62 is treated so).
 */
export function parseLimit(text: string | undefined): number | null {
  const trimmed = (text ?? "").trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = BigInt(trimmed);
  return value >= 1n << 62n ? null : Number(value);
}

/** Polls `check` until it holds; false when the attempts run out. */
export async function pollUntil(host: CgroupHost, check: () => Promise<boolean>, attempts = POLL_ATTEMPTS): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return true;
    await host.sleep(POLL_INTERVAL_MS);
  }
  return check();
}
