import { forEachContainer } from "../../batch.js";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "network rm",
  aliases: ["network remove"],
  summary: "Remove one or more networks",
  usage: "NETWORK [NETWORK...]",
  args: [{ name: "NETWORK", isVariadic: true }],
  options: {},
  examples: ["berth network rm app"],
});

/** Each name echoed once removed; an error for one does not stop the others (exit 1 then). */
export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { networks } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await networks.remove(name);
    return name;
  });
};
