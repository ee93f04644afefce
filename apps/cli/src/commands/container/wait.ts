import { forEachContainer } from "../../batch.js";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container wait",
  aliases: ["wait"],
  summary: "Block until one or more containers stop, then print their exit codes",
  usage: "CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {},
  examples: ["berth wait job", "berth wait job1 job2"],
});

/** One exit code per container, in the order given. */
export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => String(await containers.wait(name)));
};
