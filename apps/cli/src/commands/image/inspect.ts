import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { inspectImages } from "../../inspect-images.js";

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

export const run: RunCommand<typeof spec> = (ctx, args, options) =>
  inspectImages(ctx, args, options.format, (reference) => `No such image: ${reference}`);
