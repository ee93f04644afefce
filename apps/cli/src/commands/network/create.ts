import { parseLabels } from "@berth/core";
import { booleanOption, defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "network create",
  aliases: [],
  summary: "Create a network",
  usage: "[OPTIONS] NETWORK",
  args: [{ name: "NETWORK" }],
  options: {
    auxAddress: listOption("--aux-address map", "Addresses of the subnet never given to a container: name=IP"),
    driver: stringOption("-d, --driver string", 'Driver to manage the network (only "bridge")'),
    gateway: stringOption("--gateway string", "IPv4 gateway of the subnet (default: its first address)"),
    internal: booleanOption("--internal", "Restrict external access to the network"),
    ipRange: listOption("--ip-range string", "Give containers addresses from this sub-range of the subnet (CIDR)"),
    label: listOption("--label list", "Set metadata on a network"),
    subnet: stringOption("--subnet string", "Subnet in CIDR format (default: a free /24 of 10.200.0.0/16)"),
  },
  examples: ["berth network create app", "berth network create --subnet 10.201.5.0/24 app", "berth network create --subnet 10.201.0.0/16 --ip-range 10.201.5.0/24 --aux-address router=10.201.0.5 app"],
});

/** Prints the new network's id, like docker. */
export const run: RunCommand<typeof spec> = async (ctx, [name], options) => {
  const { networks } = await ctx.getService();
  const { id } = await networks.create({
    name: name!, driver: options.driver, subnet: options.subnet, gateway: options.gateway, internal: options.internal, labels: parseLabels(options.label),
    ipRange: options.ipRange, auxAddresses: options.auxAddress,
  });
  ctx.stdout.write(`${id}\n`);
  return 0;
};
