import { formatPortLines, notFound } from "@berth/core";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container port",
  aliases: ["port"],
  summary: "List port mappings or a specific mapping for the container",
  usage: "CONTAINER [PRIVATE_PORT[/PROTO]]",
  args: [{ name: "CONTAINER" }, { name: "PRIVATE_PORT", isOptional: true }],
  options: {},
  examples: ["berth port web", "berth port web 80/tcp"],
});

/** docker's lines: `8000/tcp -> 0.0.0.0:9020`, or the host side only for one port. */
export const run: RunCommand<typeof spec> = async (ctx, [container, privatePort]) => {
  const { containers } = await ctx.getService();
  const lines = formatPortLines(await containers.ports(container!), privatePort);
  if (privatePort !== undefined && lines.length === 0) {
    throw notFound(`No public port '${privatePort.includes("/") ? privatePort : `${privatePort}/tcp`}' published for ${container}`);
  }
  ctx.stdout.write(lines.map((line) => `${line}\n`).join(""));
  return 0;
};
