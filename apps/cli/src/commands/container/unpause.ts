import { forEachContainer } from "../../batch.js";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container unpause",
  aliases: ["unpause"],
  summary: "Thaw the processes of one or more paused containers",
  usage: "CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {},
  examples: ["berth unpause web"],
});

export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.unpause(name);
    return name;
  });
};
