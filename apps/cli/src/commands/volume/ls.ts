import { booleanOption, defineSpec, formatOptionHelp, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { parseFilters } from "../../filters.js";
import { renderRows, resolveFormat } from "../../output.js";
import { buildVolumeRows, defaultVolumeTableFormat, volumeHeaderNames } from "../../render/volume-rows.js";

export const spec = defineSpec({
  name: "volume ls",
  aliases: ["volume list"],
  summary: "List volumes",
  usage: "[OPTIONS]",
  args: [],
  options: {
    filter: listOption("-f, --filter filter", "Provide filter values (e.g. \"dangling=true\")"),
    format: stringOption("--format string", formatOptionHelp),
    quiet: booleanOption("-q, --quiet", "Only display volume names"),
  },
  examples: ["berth volume ls", "berth volume ls -q -f dangling=true", "berth volume ls --format '{{.Name}} {{.Mountpoint}}'"],
});

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const filters = parseFilters(options.filter);
  const { volumes } = await ctx.getService();
  const rows = buildVolumeRows(await volumes.list({ filters }));
  const isDefaultTable = resolveFormat(options.format, "table") === "table";
  // As docker's: -q prints names unless a custom template is given.
  const format = options.quiet && isDefaultTable ? "{{.Name}}" : resolveFormat(options.format, defaultVolumeTableFormat);
  ctx.stdout.write(renderRows(format, volumeHeaderNames, rows));
  return 0;
};
