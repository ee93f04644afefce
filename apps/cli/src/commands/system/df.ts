import { booleanOption, defineSpec, formatOptionHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { renderRows, resolveFormat } from "../../output.js";
import {
  buildDiskUsageImageRows,
  buildDiskUsageRows,
  defaultDiskUsageImageTableFormat,
  defaultDiskUsageTableFormat,
  diskUsageHeaderNames,
  diskUsageImageHeaderNames,
} from "../../render/disk-usage-rows.js";

export const spec = defineSpec({
  name: "system df",
  aliases: [],
  summary: "Show berth disk usage",
  usage: "[OPTIONS]",
  args: [],
  options: {
    format: stringOption("--format string", formatOptionHelp),
    verbose: booleanOption("-v, --verbose", "Show detailed information on space usage"),
  },
  examples: ["berth system df", "berth system df -v"],
});

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const service = await ctx.getService();
  const usage = await service.images.diskUsage();
  if (!options.verbose) {
    const format = resolveFormat(options.format, defaultDiskUsageTableFormat);
    ctx.stdout.write(renderRows(format, diskUsageHeaderNames, buildDiskUsageRows(usage)));
    return 0;
  }
  // docker's verbose form: one titled table per kind (containers, volumes and build cache later).
  const images = buildDiskUsageImageRows(usage, ctx.now());
  const format = resolveFormat(options.format, defaultDiskUsageImageTableFormat);
  ctx.stdout.write(`Images space usage:\n\n${renderRows(format, diskUsageImageHeaderNames, images)}`);
  return 0;
};
