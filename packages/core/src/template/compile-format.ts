import { alignTabs } from "../render/table.js";
import type { TemplateNode } from "./ast.js";
import { executeTemplate, type ExecuteOptions } from "./execute.js";
import { templateFunctions } from "./functions.js";
import { parseTemplate } from "./parser.js";

export interface FormatOptions {
  /**
   * "error" (default): `{{.Nope}}` fails like docker's list formatters do; "no-value": a missing
   * key prints `<no value>`, as `docker inspect --format` does on its JSON maps.
   */
  missingFields?: ExecuteOptions["missingFields"];
}

export interface CompiledFormat {
  /** The format started with `table`: rows are tab-separated cells under a header row. */
  isTable: boolean;
  /** One record rendered (no trailing newline added). */
  render(data: unknown): string;
  /** The header row: each field shown by its header name (`{ID: "IMAGE ID"}`), else upper-cased. */
  headers(headerNames: Readonly<Record<string, string>>): string;
  /** All records as docker prints them: aligned under the header for tables, one line each otherwise. */
  renderAll(records: readonly unknown[], headerNames?: Readonly<Record<string, string>>): string;
}

const functionNames = new Set(Object.keys(templateFunctions));

/**
 * Compiles a docker `--format` value: a Go text/template subset (`{{.Field}}`, `{{.A.B}}`,
 * `{{json .}}`, pipes, `{{if}}`/`{{else}}`/`{{range}}`/`{{with}}`, variables, docker's functions),
 * the `table` prefix, `json` meaning `{{json .}}`, and the `\t` / `\n` escapes. Errors are
 * INVALID_ARGUMENT `template parsing error: …`.
 */
export function compileFormat(format: string, options: FormatOptions = {}): CompiledFormat {
  const isTable = format.startsWith("table");
  const body = isTable ? format.slice("table".length) : format === "json" ? "{{json .}}" : format;
  const source = body.replace(/^ +| +$/g, "").replace(/\\t|\\n/g, (escape) => (escape === "\\t" ? "\t" : "\n"));
  const nodes: TemplateNode[] = parseTemplate(source, functionNames);
  const missingFields = options.missingFields ?? "error";
  const render = (data: unknown) => executeTemplate(nodes, data, { missingFields });
  const headers = (headerNames: Readonly<Record<string, string>>) =>
    executeTemplate(nodes, headerNames, { missingFields, headerNames });
  return {
    isTable,
    render,
    headers,
    renderAll(records, headerNames = {}) {
      const rows = records.map((record) => `${render(record)}\n`).join("");
      return isTable ? alignTabs(`${headers(headerNames)}\n${rows}`) : rows;
    },
  };
}
