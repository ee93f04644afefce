import { invalidArgument } from "@berth/core";

/** `-f key=value` flags, grouped by key, in the order given. */
export function parseFilters(values: readonly string[]): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const value of values) {
    const equals = value.indexOf("=");
    if (equals <= 0) throw invalidArgument(`bad format of filter (expected name=value): ${value}`);
    const key = value.slice(0, equals).trim().toLowerCase();
    (filters[key] ??= []).push(value.slice(equals + 1));
  }
  return filters;
}

/** Refuse filter keys a command does not know, with docker's message. */
export function checkFilterKeys(filters: Record<string, string[]>, known: readonly string[]): void {
  for (const key of Object.keys(filters)) {
    if (!known.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
  }
}

/** docker's boolean filter values. */
export function parseBooleanFilter(key: string, value: string): boolean {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw invalidArgument(`invalid filter '${key}=${value}'`);
}
