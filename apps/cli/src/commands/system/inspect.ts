import { invalidArgument, isBerthError } from "@berth/core";
import { defineSpec, inspectFormatHelp, stringOption, type RunCommand } from "../../command-spec.js";
import type { CommandContext } from "../../context.js";
import { inspectObjects, type InspectLookup } from "../../inspect-objects.js";

export const spec = defineSpec({
  name: "inspect",
  aliases: [],
  summary: "Return low-level information on berth objects",
  usage: "[OPTIONS] NAME|ID [NAME|ID...]",
  args: [{ name: "NAME|ID", isVariadic: true }],
  options: {
    format: stringOption("-f, --format string", inspectFormatHelp),
    type: stringOption("--type string", "Only inspect objects of the given type (container, image or volume)"),
  },
  examples: ["berth inspect web busybox", "berth inspect --type image --format '{{.Size}}' busybox"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const type = options.type;
  if (type !== undefined && type !== "container" && type !== "image" && type !== "volume") {
    throw invalidArgument(`"${type}" is not a valid value for --type`);
  }
  return inspectObjects(ctx, args, options.format, await chooseLookup(ctx, type));
};

/** Like docker: without --type a name is looked up among containers first, then images, then volumes. */
async function chooseLookup(ctx: CommandContext, type: "container" | "image" | "volume" | undefined): Promise<InspectLookup> {
  const { images, containers, volumes } = await ctx.getService();
  if (type === "image") {
    return { find: (reference) => images.inspect(reference), describeNotFound: (reference) => `No such image: ${reference}` };
  }
  if (type === "volume") {
    return { find: (reference) => volumes.inspect(reference), describeNotFound: (reference) => `No such volume: ${reference}` };
  }
  if (type === "container") {
    return { find: (reference) => containers.inspect(reference), describeNotFound: (reference) => `No such container: ${reference}` };
  }
  return {
    async find(reference) {
      try {
        return await containers.inspect(reference);
      } catch (error) {
        if (!isBerthError(error, "NOT_FOUND")) throw error;
      }
      try {
        return await images.inspect(reference);
      } catch (error) {
        if (!isBerthError(error, "NOT_FOUND")) throw error;
        return volumes.inspect(reference);
      }
    },
    describeNotFound: (reference) => `No such object: ${reference}`,
  };
}
