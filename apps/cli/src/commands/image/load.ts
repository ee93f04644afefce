import { invalidArgument } from "@berth/core";
import { booleanOption, defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { toByteSource } from "../../byte-source.js";
import { createProgressLine } from "../../progress.js";

export const spec = defineSpec({
  name: "image load",
  aliases: ["load"],
  summary: "Load an image from a tar archive or STDIN",
  usage: "[OPTIONS]",
  args: [],
  options: {
    input: stringOption("-i, --input string", "Read from tar archive file, instead of STDIN"),
    quiet: booleanOption("-q, --quiet", "Suppress the load output"),
  },
  examples: ["berth load -i busybox.tar", "gunzip -c busybox.tar.gz | berth load"],
});

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  if (options.input === undefined && ctx.isStdinTty) {
    throw invalidArgument("requested load from stdin, but stdin is empty");
  }
  const source = toByteSource(ctx, options.input ?? "-");
  const service = await ctx.getService();
  const progress = createProgressLine(ctx, { isQuiet: options.quiet });
  let messages: string[];
  try {
    ({ messages } = await service.images.load(source, { onProgress: progress.listener }));
  } finally {
    progress.finish();
  }
  ctx.stdout.write(messages.map((message) => `${message}\n`).join(""));
  return 0;
};
