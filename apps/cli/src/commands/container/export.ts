import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { chunksOf, outputPath, writeOutput } from "../../output-file.js";

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
  const output = outputPath(ctx, options.output, "export container");
  const { containers } = await ctx.getService();
  await writeOutput(ctx, output, chunksOf(containers.export(args[0]!)));
  return 0;
};
