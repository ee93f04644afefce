import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "network disconnect",
  aliases: [],
  summary: "Disconnect a container from a network",
  usage: "NETWORK CONTAINER",
  args: [{ name: "NETWORK" }, { name: "CONTAINER" }],
  options: {},
  examples: ["berth network disconnect app web"],
});

export const run: RunCommand<typeof spec> = async (ctx, [network, container]) => {
  const { networks } = await ctx.getService();
  await networks.disconnect(network!, container!);
  return 0;
};
