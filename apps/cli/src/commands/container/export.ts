import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument } from "@berth/core";
import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { writeFileAtomically } from "../../output-file.js";

export const spec = defineSpec({
  name: "container export",
  aliases: ["export"],
  summary: "Export a container's filesystem as a tar archive",
  usage: "[OPTIONS] CONTAINER",
  args: [{ name: "CONTAINER" }],
  options: {
    output: stringOption("-o, --output string", "Write to a file, instead of STDOUT"),
  },
  examples: ["berth export -o web.tar web", "berth export web | berth import - localhost/web-flat"],
});

/** The root filesystem without volumes or the container's mounts; running or stopped. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const output = options.output === undefined ? undefined : resolve(ctx.cwd, options.output);
  if (output === undefined && ctx.isStdoutTty) {
    throw invalidArgument("cowardly refusing to save to a terminal. Use the -o flag or redirect");
  }
  if (output !== undefined && !existsSync(dirname(output))) {
    throw invalidArgument(`failed to export container: invalid output path: directory "${dirname(output)}" does not exist`);
  }
  const { containers } = await ctx.getService();
  const archive = containers.export(args[0]!);
  if (output === undefined) await pipeline(Readable.from(archive), ctx.stdout, { end: false });
  else await writeFileAtomically(output, archive);
  return 0;
};
