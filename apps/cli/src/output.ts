import { compileFormat, formatTable } from "@berth/core";

/** docker's formatter: `--format` absent or "table" means the command's default table. */
export function resolveFormat(userFormat: string | undefined, defaultTableFormat: string): string {
  return userFormat === undefined || userFormat === "" || userFormat === "table" ? defaultTableFormat : userFormat;
}

/**
 * Render rows through a Go-style template: a `table …` template gives aligned columns under the
 * headers (shown even with no rows), any other template one line per row.
 */
export function renderRows(format: string, headerNames: Readonly<Record<string, string>>, rows: readonly object[]): string {
  const template = compileFormat(format);
  if (!template.isTable) return rows.map((row) => `${template.render(row)}\n`).join("");
  const headers = template.headers({ ...headerNames }).split("\t");
  const cells = rows.map((row) => template.render(row).split("\t"));
  return ensureNewline(formatTable(headers, cells));
}

/** Render one object through a template (inspect/info/version --format). */
export function renderObject(format: string, data: unknown): string {
  return ensureNewline(compileFormat(format).render(data));
}

function ensureNewline(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
