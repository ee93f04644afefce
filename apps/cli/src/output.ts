import { compileFormat, type FormatOptions } from "@berth/core";

/** docker's formatter: `--format` absent or "table" means the command's default table. */
export function resolveFormat(userFormat: string | undefined, defaultTableFormat: string): string {
  return userFormat === undefined || userFormat === "" || userFormat === "table" ? defaultTableFormat : userFormat;
}

/**
 * Render rows through a Go-style template: a `table …` template gives aligned columns under the
 * headers (shown even with no rows), any other template one line per row. docker hands list
 * rows to templates as maps, so `{{json .}}` prints their keys sorted; so do we.
 */
export function renderRows(format: string, headerNames: Readonly<Record<string, string>>, rows: readonly object[]): string {
  const sortedRows = rows.map((row) => Object.fromEntries(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1))));
  return compileFormat(format).renderAll(sortedRows, headerNames);
}

/** Render one object through a template (inspect/info/version/events --format), with a newline. */
export function renderObject(format: string, data: unknown, options?: FormatOptions): string {
  return `${compileFormat(format, options).render(data)}\n`;
}
