import { invalidArgument } from "@berth/core";
import { booleanOption, defineSpec, listOption, type RunCommand } from "../../command-spec.js";
import { parseFilters } from "../../filters.js";
import { confirm } from "../../prompt.js";
import { formatPruneReport, formatPruneSection } from "../../render/remove-lines.js";

export const spec = defineSpec({
  name: "volume prune",
  aliases: [],
  summary: "Remove unused local volumes",
  usage: "[OPTIONS]",
  args: [],
  options: {
    all: booleanOption("-a, --all", "Remove all unused volumes, not just anonymous ones"),
    filter: listOption("--filter filter", "Provide filter values (e.g. \"label=<label>\")"),
    force: booleanOption("-f, --force", "Do not prompt for confirmation"),
  },
  examples: ["berth volume prune -f", "berth volume prune -a -f --filter label=tier=cache"],
});

const anonymousWarning = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?";
const allWarning = "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?";

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const filters = parseFilters(options.filter);
  if (options.all && filters["all"] !== undefined) throw invalidArgument("conflicting options: cannot specify both --all and --filter all=1");
  if (!options.force && !(await confirm(ctx, options.all ? allWarning : anonymousWarning))) return 0;
  const { volumes } = await ctx.getService();
  const report = await volumes.prune({ all: options.all, filters });
  ctx.stdout.write(formatPruneReport([formatPruneSection("Deleted Volumes", report.deleted)], report.spaceReclaimed));
  return 0;
};
