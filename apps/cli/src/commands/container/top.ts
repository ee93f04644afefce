import { formatTable } from "@berth/core";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container top",
  aliases: ["top"],
  summary: "Display the running processes of a container",
  usage: "CONTAINER [ps OPTIONS]",
  args: [{ name: "CONTAINER" }, { name: "ps OPTIONS", isOptional: true, isVariadic: true }],
  options: {},
  examples: ["berth top web", "berth top web -o pid,user,args"],
  canIntersperseFlags: false,
});

/** docker's table: ps's titles and rows, columns at least 20 wide (docker's tabwriter for top). */
export const run: RunCommand<typeof spec> = async (ctx, [name, ...psArgs]) => {
  const { containers } = await ctx.getService();
  const top = await containers.top(name!, psArgs);
  ctx.stdout.write(formatTable(top.titles, top.processes, 20));
  return 0;
};
