import { booleanOption, defineSpec, formatOptionHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { renderRows, resolveFormat } from "../../output.js";
import {
  buildHistoryRows,
  defaultHistoryTableFormat,
  historyHeaderNames,
  nonHumanHistoryTableFormat,
} from "../../render/history-rows.js";

export const spec = defineSpec({
  name: "image history",
  aliases: ["history"],
  summary: "Show the history of an image",
  usage: "[OPTIONS] IMAGE",
  args: [{ name: "IMAGE" }],
  options: {
    format: stringOption("--format string", formatOptionHelp),
    human: booleanOption("-H, --human", "Print sizes and dates in human readable format", true),
    noTrunc: booleanOption("--no-trunc", "Don't truncate output"),
    quiet: booleanOption("-q, --quiet", "Only show image IDs"),
  },
  examples: ["berth history busybox", "berth history -H=false --no-trunc busybox"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const service = await ctx.getService();
  const history = await service.images.history(args[0]!);
  const rows = buildHistoryRows(history, { isHuman: options.human, isTruncated: !options.noTrunc, now: ctx.now() });
  let defaultFormat = options.human ? defaultHistoryTableFormat : nonHumanHistoryTableFormat;
  if (options.quiet) defaultFormat = "{{.ID}}";
  ctx.stdout.write(renderRows(resolveFormat(options.format, defaultFormat), historyHeaderNames, rows));
  return 0;
};
