import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container rename",
  aliases: ["rename"],
  summary: "Rename a container",
  usage: "CONTAINER NEW_NAME",
  args: [{ name: "CONTAINER" }, { name: "NEW_NAME" }],
  options: {},
  examples: ["berth rename web web-old"],
});

export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { containers } = await ctx.getService();
  await containers.rename(args[0]!, args[1]!);
  return 0;
};
