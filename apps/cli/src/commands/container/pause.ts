import { forEachContainer } from "../../batch.js";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container pause",
  aliases: ["pause"],
  summary: "Freeze every process of one or more containers",
  usage: "CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {},
  examples: ["berth pause web"],
});

export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.pause(name);
    return name;
  });
};
