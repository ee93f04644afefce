import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "image tag",
  aliases: ["tag"],
  summary: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE",
  usage: "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
  args: [{ name: "SOURCE_IMAGE[:TAG]" }, { name: "TARGET_IMAGE[:TAG]" }],
  options: {},
  examples: ["berth tag busybox localhost/tools:1.0"],
});

export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const service = await ctx.getService();
  await service.images.tag(args[0]!, args[1]!);
  return 0;
};
