import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";
import { confirm } from "../../prompt.js";
import { formatPruneReport, formatPruneSection, imagePruneLines } from "../../render/remove-lines.js";

export const spec = defineSpec({
  name: "image prune",
  aliases: [],
  summary: "Remove unused images",
  usage: "[OPTIONS]",
  args: [],
  options: {
    all: booleanOption("-a, --all", "Remove all unused images, not just dangling ones"),
    force: booleanOption("-f, --force", "Do not prompt for confirmation"),
  },
  examples: ["berth image prune -f"],
});

const danglingWarning = "WARNING! This will remove all dangling images.\nAre you sure you want to continue?";
const allWarning =
  "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?";

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  // A refusal is not an error: docker exits 0 and prints nothing more.
  if (!options.force && !(await confirm(ctx, options.all ? allWarning : danglingWarning))) return 0;
  const service = await ctx.getService();
  const report = await service.images.prune({ all: options.all });
  ctx.stdout.write(formatPruneReport([formatPruneSection("Deleted Images", imagePruneLines(report.results))], report.spaceReclaimed));
  return 0;
};
