import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { inspectObjects } from "../../inspect-objects.js";

export const spec = defineSpec({
  name: "network inspect",
  aliases: [],
  summary: "Display detailed information on one or more networks",
  usage: "[OPTIONS] NETWORK [NETWORK...]",
  args: [{ name: "NETWORK", isVariadic: true }],
  options: {
    format: stringOption("-f, --format string", inspectFormatHelp),
  },
  examples: ["berth network inspect bridge", "berth network inspect -f '{{json .IPAM.Config}}' app"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { networks } = await ctx.getService();
  return inspectObjects(ctx, args, options.format, {
    find: (reference) => networks.inspect(reference),
    describeNotFound: (reference) => `network ${reference} not found`,
  });
};
