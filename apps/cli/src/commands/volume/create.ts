import { invalidArgument, parseKeyValues, parseLabels } from "@berth/core";
import { defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "volume create",
  aliases: [],
  summary: "Create a volume",
  usage: "[OPTIONS] [VOLUME]",
  args: [{ name: "VOLUME", isOptional: true }],
  options: {
    driver: stringOption("-d, --driver string", "Specify volume driver name (only \"local\")"),
    label: listOption("--label list", "Set metadata for a volume"),
    name: stringOption("--name string", "Specify volume name"),
    opt: listOption("-o, --opt map", "Set driver specific options: type, device, o (default map[])"),
  },
  examples: ["berth volume create data", "berth volume create --label tier=db -o type=tmpfs -o device=tmpfs -o o=size=64m scratch"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const operand = args[0];
  if (operand !== undefined && options.name !== undefined && operand !== options.name) {
    throw invalidArgument("conflicting options: either specify --name or provide positional arg, not both");
  }
  const { volumes } = await ctx.getService();
  const name = await volumes.create({
    name: operand ?? options.name ?? "",
    driver: options.driver ?? "local",
    labels: parseLabels(options.label, [], "--label"),
    options: parseKeyValues(options.opt),
  });
  ctx.stdout.write(`${name}\n`);
  return 0;
};
