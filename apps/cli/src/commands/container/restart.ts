import { forEachContainer } from "../../batch.js";
import { defineSpec, intOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container restart",
  aliases: ["restart"],
  summary: "Restart one or more containers",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {
    timeout: intOption("-t, --timeout int", "Seconds to wait for the container to exit before killing it"),
  },
  examples: ["berth restart web", "berth restart -t 2 web worker"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.restart(name, { timeout: options.timeout });
    return name;
  });
};
