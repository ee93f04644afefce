import { booleanOption, defineSpec, formatOptionHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { renderRows, resolveFormat } from "../../output.js";
import { containerHeaderNames } from "../../render/container-rows.js";
import {
  buildDiskUsageContainerRows,
  buildDiskUsageImageRows,
  buildDiskUsageRows,
  buildDiskUsageVolumeRows,
  defaultDiskUsageContainerTableFormat,
  defaultDiskUsageImageTableFormat,
  defaultDiskUsageTableFormat,
  defaultDiskUsageVolumeTableFormat,
  diskUsageHeaderNames,
  diskUsageImageHeaderNames,
  diskUsageVolumeHeaderNames,
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
  const usage = await service.system.diskUsage();
  if (!options.verbose) {
    const format = resolveFormat(options.format, defaultDiskUsageTableFormat);
    ctx.stdout.write(renderRows(format, diskUsageHeaderNames, buildDiskUsageRows(usage)));
    return 0;
  }
  // docker's verbose form: one titled table per kind (build cache when berth has one).
  const now = ctx.now();
  const table = (defaultFormat: string) => resolveFormat(options.format, defaultFormat);
  ctx.stdout.write([
    `Images space usage:\n\n${renderRows(table(defaultDiskUsageImageTableFormat), diskUsageImageHeaderNames, buildDiskUsageImageRows(usage, now))}`,
    `Containers space usage:\n\n${renderRows(table(defaultDiskUsageContainerTableFormat), containerHeaderNames, buildDiskUsageContainerRows(usage, now))}`,
    `Local Volumes space usage:\n\n${renderRows(table(defaultDiskUsageVolumeTableFormat), diskUsageVolumeHeaderNames, buildDiskUsageVolumeRows(usage))}`,
  ].join("\n"));
  return 0;
};
