import type { CommandSpec } from "./command-spec.js";
import { parseFlagSyntax } from "./parse-flags.js";
import { UsageError } from "./usage-error.js";

export const programName = "berth";

export function usageLine(spec: CommandSpec, invokedAs: string): string {
  return `${programName} ${invokedAs}${spec.usage === "" ? "" : ` ${spec.usage}`}`;
}

/** docker's help layout: usage, summary, aliases, examples, options. */
export function renderCommandHelp(spec: CommandSpec, invokedAs: string): string {
  const sections = [`\nUsage:  ${usageLine(spec, invokedAs)}`, spec.summary];
  if (spec.aliases.length > 0) {
    sections.push(`Aliases:\n  ${[spec.name, ...spec.aliases].map((name) => `${programName} ${name}`).join(", ")}`);
  }
  if (spec.examples !== undefined && spec.examples.length > 0) {
    sections.push(`Examples:\n${spec.examples.map((line) => `  ${line}`).join("\n")}`);
  }
  const options = Object.values(spec.options);
  if (options.length > 0) {
    const flagColumn = options.map((option) => {
      const flag = parseFlagSyntax(option.flags);
      const short = flag.short === undefined ? "    " : `-${flag.short}, `;
      return `  ${short}--${flag.long}${flag.valueName === undefined ? "" : ` ${flag.valueName}`}`;
    });
    const width = Math.max(...flagColumn.map((text) => text.length)) + 3;
    const lines = options
      .map((option, index) => {
        const isDefaultTrue = option.kind === "boolean" && option.defaultValue === true;
        const description = `${option.description}${isDefaultTrue ? " (default true)" : ""}`;
        const [first = "", ...rest] = description.split("\n");
        const continuation = rest.map((line) => `\n${" ".repeat(width)}${line}`).join("");
        return { sortKey: parseFlagSyntax(option.flags).long, text: `${flagColumn[index]!.padEnd(width)}${first}${continuation}` };
      })
      .sort((a, b) => a.sortKey.localeCompare(b.sortKey))
      .map((line) => line.text);
    sections.push(`Options:\n${lines.join("\n")}`);
  }
  return `${sections.join("\n\n")}\n`;
}

function plural(count: number): string {
  return count === 1 ? "argument" : "arguments";
}

/** Check the operand count against the spec, with docker's wording. */
export function checkArgumentCount(spec: CommandSpec, invokedAs: string, count: number): void {
  const minimum = spec.args.filter((arg) => arg.isOptional !== true).length;
  const maximum = spec.args.some((arg) => arg.isVariadic === true) ? Infinity : spec.args.length;
  if (count >= minimum && count <= maximum) return;
  const path = `${programName} ${invokedAs}`;
  let problem: string;
  if (maximum === 0) problem = "accepts no arguments";
  else if (minimum === maximum) problem = `requires ${minimum} ${plural(minimum)}`;
  else if (maximum === Infinity) problem = `requires at least ${minimum} ${plural(minimum)}`;
  else if (minimum === 0) problem = `requires at most ${maximum} ${plural(maximum)}`;
  else problem = `requires at least ${minimum} and at most ${maximum} ${plural(maximum)}`;
  throw new UsageError(`${programName}: '${path}' ${problem}`);
}

/** The text printed for any usage error: the problem, the usage line and where to get help. */
export function renderUsageError(message: string, spec: CommandSpec, invokedAs: string): string {
  return `${message}\n\nUsage:  ${usageLine(spec, invokedAs)}\n\nRun '${programName} ${invokedAs} --help' for more information\n`;
}
