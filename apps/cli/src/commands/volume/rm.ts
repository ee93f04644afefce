import { forEachContainer } from "../../batch.js";
import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "volume rm",
  aliases: ["volume remove"],
  summary: "Remove one or more volumes",
  usage: "[OPTIONS] VOLUME [VOLUME...]",
  args: [{ name: "VOLUME", isVariadic: true }],
  options: {
    force: booleanOption("-f, --force", "Do not fail on a volume that does not exist (one in use is still refused)"),
  },
  examples: ["berth volume rm data", "berth volume rm -f data cache"],
});

/** One line per removed volume, its name as given; the failures after, exit 1 if any. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { volumes } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await volumes.remove(name, { force: options.force });
    return name;
  });
};
