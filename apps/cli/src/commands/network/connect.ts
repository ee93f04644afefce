import { defineSpec, listOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "network connect",
  aliases: [],
  summary: "Connect a running container to a network",
  usage: "[OPTIONS] NETWORK CONTAINER",
  args: [{ name: "NETWORK" }, { name: "CONTAINER" }],
  options: {
    alias: listOption("--alias list", "Add a network-scoped alias for the container"),
  },
  examples: ["berth network connect app web", "berth network connect --alias db app pg"],
});

export const run: RunCommand<typeof spec> = async (ctx, [network, container], options) => {
  const { networks } = await ctx.getService();
  await networks.connect(network!, container!, { aliases: options.alias });
  return 0;
};
