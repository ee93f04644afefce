import { forEachContainer } from "../../batch.js";
import { defineSpec, intOption, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container stop",
  aliases: ["stop"],
  summary: "Stop one or more running containers",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {
    signal: stringOption("-s, --signal string", "Signal to stop with (default: the container's stop signal)"),
    timeout: intOption("-t, --timeout int", "Seconds to wait for the container to exit before killing it"),
  },
  examples: ["berth stop web", "berth stop -t 0 web worker", "berth stop -s SIGINT web"],
});

/** The stop signal (the container's, else SIGTERM), then SIGKILL after the timeout; each name as given. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.stop(name, { timeout: options.timeout, signal: options.signal });
    return name;
  });
};
