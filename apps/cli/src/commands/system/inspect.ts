import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import { invalidArgument } from "@berth/core";
import { inspectImages } from "../../inspect-images.js";

/** Object types `inspect --type` accepts; containers join with their issue. */
const inspectableTypes = ["image"];

export const spec = defineSpec({
  name: "inspect",
  aliases: [],
  summary: "Return low-level information on berth objects",
  usage: "[OPTIONS] NAME|ID [NAME|ID...]",
  args: [{ name: "NAME|ID", isVariadic: true }],
  options: {
    format: stringOption("-f, --format string", inspectFormatHelp),
    type: stringOption("--type string", "Only inspect objects of the given type"),
  },
  examples: ["berth inspect busybox", "berth inspect --format '{{.Size}}' busybox"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  if (options.type !== undefined && !inspectableTypes.includes(options.type)) {
    throw invalidArgument(`"${options.type}" is not a valid value for --type`);
  }
  return inspectImages(ctx, args, options.format, (reference) => `No such object: ${reference}`);
};
