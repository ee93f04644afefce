import { booleanOption, defineSpec, listOption, type RunCommand } from "../../command-spec.js";
import { parseFilters } from "../../filters.js";
import { confirm } from "../../prompt.js";
import { formatPruneReport, formatPruneSection } from "../../render/remove-lines.js";

export const spec = defineSpec({
  name: "container prune",
  aliases: [],
  summary: "Remove all stopped containers",
  usage: "[OPTIONS]",
  args: [],
  options: {
    filter: listOption("--filter filter", "Provide filter values (e.g. \"until=<timestamp>\", \"label=<key>[=<value>]\")"),
    force: booleanOption("-f, --force", "Do not prompt for confirmation"),
  },
  examples: ["berth container prune -f", "berth container prune -f --filter until=24h"],
});

const warning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?";

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const filters = parseFilters(options.filter);
  // A refusal is not an error: docker exits 0 and prints nothing more.
  if (!options.force && !(await confirm(ctx, warning))) return 0;
  const { containers } = await ctx.getService();
  const report = await containers.prune({ filters });
  ctx.stdout.write(formatPruneReport([formatPruneSection("Deleted Containers", report.deleted)], report.spaceReclaimed));
  return 0;
};
