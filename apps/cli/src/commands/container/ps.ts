import type { ContainerListOptions } from "@berth/core";
import { booleanOption, defineSpec, formatOptionHelp, intOption, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { parseFilters } from "../../filters.js";
import { renderRows, resolveFormat } from "../../output.js";
import {
  buildContainerRows,
  containerHeaderNames,
  defaultContainerTableFormat,
  defaultContainerTableFormatWithSize,
} from "../../render/container-rows.js";

export const spec = defineSpec({
  name: "container ls",
  aliases: ["container list", "container ps", "ps"],
  summary: "List containers",
  usage: "[OPTIONS]",
  args: [],
  options: {
    all: booleanOption("-a, --all", "List stopped and created containers too"),
    filter: listOption("-f, --filter filter", "Filter output based on conditions provided"),
    format: stringOption("--format string", formatOptionHelp),
    last: intOption("-n, --last int", "List the N most recently created containers, whatever their state"),
    latest: booleanOption("-l, --latest", "List the most recently created container, whatever its state"),
    noTrunc: booleanOption("--no-trunc", "Don't truncate output"),
    quiet: booleanOption("-q, --quiet", "Print container ids only"),
    size: booleanOption("-s, --size", "Show the size of each container's writable layer"),
  },
  examples: ["berth ps -a", "berth ps -q -f status=exited", "berth ps --format '{{.Names}}\\t{{.Status}}'"],
});

/** The flags as the service's list options (filter keys and values are the engine's to check). */
export function toListOptions(options: {
  all: boolean;
  filter: string[];
  format: string | undefined;
  last: number | undefined;
  latest: boolean;
  size: boolean;
}): ContainerListOptions {
  let last = options.last ?? -1;
  if (options.latest && last === -1) last = 1;
  const listOptions: ContainerListOptions = {
    all: options.all,
    size: options.size || (options.format?.includes(".Size") ?? false),
    filters: parseFilters(options.filter),
  };
  if (last > 0) listOptions.last = last;
  return listOptions;
}

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const listOptions = toListOptions(options);
  const { containers } = await ctx.getService();
  const rows = buildContainerRows(await containers.list(listOptions), { isTruncated: !options.noTrunc, now: ctx.now() });
  if (options.quiet && resolveFormat(options.format, "table") === "table") {
    ctx.stdout.write(rows.map((row) => `${row.ID}\n`).join(""));
    return 0;
  }
  const defaultFormat = options.size ? defaultContainerTableFormatWithSize : defaultContainerTableFormat;
  ctx.stdout.write(renderRows(resolveFormat(options.format, defaultFormat), containerHeaderNames, rows));
  return 0;
};
