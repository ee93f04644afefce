import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { outputPath, writeOutput } from "../../output-file.js";
import { createProgressLine } from "../../progress.js";

export const spec = defineSpec({
  name: "image save",
  aliases: ["save"],
  summary: "Save one or more images to a tar archive (streamed to STDOUT by default)",
  usage: "[OPTIONS] IMAGE [IMAGE...]",
  args: [{ name: "IMAGE", isVariadic: true }],
  options: {
    output: stringOption("-o, --output string", "Write to a file, instead of STDOUT"),
  },
  examples: ["berth save -o busybox.tar busybox", "berth save busybox | gzip > busybox.tar.gz"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const output = outputPath(ctx, options.output, "save image");
  const service = await ctx.getService();
  const progress = createProgressLine(ctx);
  try {
    await writeOutput(ctx, output, (sink) => service.images.save(args, sink, { onProgress: progress.listener }));
  } finally {
    progress.finish();
  }
  return 0;
};
