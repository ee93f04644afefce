import { defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "network connect",
  aliases: [],
  summary: "Connect a container to a network",
  usage: "[OPTIONS] NETWORK CONTAINER",
  args: [{ name: "NETWORK" }, { name: "CONTAINER" }],
  options: {
    alias: listOption("--alias list", "Add a network-scoped alias for the container"),
    ip: stringOption("--ip string", "IPv4 address (a network created with --subnet)"),
  },
  examples: ["berth network connect app web", "berth network connect --alias db app pg", "berth network connect --ip 10.89.0.10 app web"],
});

export const run: RunCommand<typeof spec> = async (ctx, [network, container], options) => {
  const { networks } = await ctx.getService();
  await networks.connect(network!, container!, { aliases: options.alias, ...(options.ip === undefined ? {} : { ip: options.ip }) });
  return 0;
};
