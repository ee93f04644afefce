import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";
import { confirm } from "../../prompt.js";

export const spec = defineSpec({
  name: "network prune",
  aliases: [],
  summary: "Remove all unused networks",
  usage: "[OPTIONS]",
  args: [],
  options: {
    force: booleanOption("-f, --force", "Do not prompt for confirmation"),
  },
  examples: ["berth network prune -f"],
});

const warning = "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?";

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  if (!options.force && !(await confirm(ctx, warning))) return 0;
  const { networks } = await ctx.getService();
  const removed = await networks.prune();
  if (removed.length > 0) ctx.stdout.write(`Deleted Networks:\n${removed.map((name) => `${name}\n`).join("")}`);
  return 0;
};
