import { booleanOption, defineSpec, formatOptionHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { renderRows, resolveFormat } from "../../output.js";
import { buildStatsRows, defaultStatsTableFormat, statsHeaderNames } from "../../render/stats-rows.js";

export const spec = defineSpec({
  name: "container stats",
  aliases: ["stats"],
  summary: "Display a live stream of container(s) resource usage statistics",
  usage: "[OPTIONS] [CONTAINER...]",
  args: [{ name: "CONTAINER", isOptional: true, isVariadic: true }],
  options: {
    all: booleanOption("-a, --all", "Show all containers (default shows just running)"),
    format: stringOption("--format string", formatOptionHelp),
    noStream: booleanOption("--no-stream", "Disable streaming stats and only pull the first result"),
    noTrunc: booleanOption("--no-trunc", "Do not truncate output"),
  },
  examples: ["berth stats", "berth stats --no-stream web", "berth stats --no-stream --format '{{.Name}}: {{.CPUPerc}}'"],
});

/** Clears a terminal and homes the cursor before each refresh, as docker's live view does. */
const CLEAR_SCREEN = "\u001b[2J\u001b[H";

/** One table after two samples with --no-stream; otherwise a fresh one each second until Ctrl-C. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const format = resolveFormat(options.format, defaultStatsTableFormat);
  const { containers } = await ctx.getService();
  const signal = options.noStream ? undefined : ctx.interruptSignal();
  const sets = containers.stats({ containers: args, all: options.all, stream: !options.noStream, ...(signal ? { signal } : {}) });
  for await (const entries of sets) {
    const rows = buildStatsRows(entries, { isTruncated: !options.noTrunc, ...(args.length > 0 ? { asGiven: args } : {}) });
    ctx.stdout.write(`${options.noStream ? "" : CLEAR_SCREEN}${renderRows(format, statsHeaderNames, rows)}`);
  }
  return 0;
};
