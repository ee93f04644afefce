import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { inspectObjects } from "../../inspect-objects.js";

export const spec = defineSpec({
  name: "image inspect",
  aliases: [],
  summary: "Display detailed information on one or more images",
  usage: "[OPTIONS] IMAGE [IMAGE...]",
  args: [{ name: "IMAGE", isVariadic: true }],
  options: {
    format: stringOption("-f, --format string", inspectFormatHelp),
  },
  examples: ["berth image inspect busybox", "berth image inspect -f '{{.Id}}' busybox"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { images } = await ctx.getService();
  return inspectObjects(ctx, args, options.format, {
    find: (reference) => images.inspect(reference),
    describeNotFound: (reference) => `No such image: ${reference}`,
  });
};
