import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { inspectObjects } from "../../inspect-objects.js";

export const spec = defineSpec({
  name: "container inspect",
  aliases: [],
  summary: "Show the full configuration and state of one or more containers",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {
    format: stringOption("-f, --format string", inspectFormatHelp),
  },
  examples: ["berth container inspect web", "berth container inspect -f '{{.State.Status}}' web"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  return inspectObjects(ctx, args, options.format, {
    find: (reference) => containers.inspect(reference),
    describeNotFound: (reference) => `No such container: ${reference}`,
  });
};
