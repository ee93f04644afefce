import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container diff",
  aliases: ["diff"],
  summary: "Inspect changes to files or directories on a container's filesystem",
  usage: "CONTAINER",
  args: [{ name: "CONTAINER" }],
  options: {},
  examples: ["berth diff web"],
});

/** One `KIND /path` line per change, as docker prints them. */
export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { containers } = await ctx.getService();
  const changes = await containers.diff(args[0]!);
  ctx.stdout.write(changes.map((change) => `${change.kind} ${change.path}\n`).join(""));
  return 0;
};
