import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { inspectObjects } from "../../inspect-objects.js";

export const spec = defineSpec({
  name: "volume inspect",
  aliases: [],
  summary: "Display detailed information on one or more volumes",
  usage: "[OPTIONS] VOLUME [VOLUME...]",
  args: [{ name: "VOLUME", isVariadic: true }],
  options: {
    format: stringOption("-f, --format string", inspectFormatHelp),
  },
  examples: ["berth volume inspect data", "berth volume inspect -f '{{.Mountpoint}}' data"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { volumes } = await ctx.getService();
  return inspectObjects(ctx, args, options.format, {
    find: (name) => volumes.inspect(name),
    describeNotFound: (name) => `No such volume: ${name}`,
  });
};
