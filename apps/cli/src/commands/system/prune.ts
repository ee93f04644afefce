import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";
import { confirm } from "../../prompt.js";
import { formatPruneReport, formatPruneSection, imagePruneLines } from "../../render/remove-lines.js";

export const spec = defineSpec({
  name: "system prune",
  aliases: [],
  summary: "Remove unused data",
  usage: "[OPTIONS]",
  args: [],
  options: {
    all: booleanOption("-a, --all", "Remove all unused images not just dangling ones"),
    force: booleanOption("-f, --force", "Do not prompt for confirmation"),
    volumes: booleanOption("--volumes", "Prune anonymous volumes"),
  },
  examples: ["berth system prune -f", "berth system prune -a --volumes -f"],
});

/** docker's warning, listing what berth prunes (it has no networks or build cache to list yet). */
function warning(all: boolean, volumes: boolean): string {
  const lines = [
    "  - all stopped containers",
    ...(volumes ? ["  - all anonymous volumes not used by at least one container"] : []),
    all ? "  - all images without at least one container associated to them" : "  - all dangling images",
  ];
  return `WARNING! This will remove:\n${lines.join("\n")}\n\nAre you sure you want to continue?`;
}

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  if (!options.force && !(await confirm(ctx, warning(options.all, options.volumes)))) return 0;
  const { system } = await ctx.getService();
  const report = await system.prune({ all: options.all, volumes: options.volumes });
  ctx.stdout.write(formatPruneReport([
    formatPruneSection("Deleted Containers", report.containers.deleted),
    formatPruneSection("Deleted Volumes", report.volumes?.deleted ?? []),
    formatPruneSection("Deleted Images", imagePruneLines(report.images.results)),
  ], report.spaceReclaimed));
  return 0;
};
