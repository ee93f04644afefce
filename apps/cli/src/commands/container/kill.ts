import { forEachContainer } from "../../batch.js";
import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container kill",
  aliases: ["kill"],
  summary: "Send a signal (SIGKILL by default) to one or more running containers",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {
    signal: stringOption("-s, --signal string", "Signal to send (default SIGKILL)"),
  },
  examples: ["berth kill web", "berth kill -s HUP web"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.kill(name, options.signal);
    return name;
  });
};
