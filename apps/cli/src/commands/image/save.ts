import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument } from "@berth/core";
import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { writeFileAtomically } from "../../output-file.js";
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
  const output = options.output === undefined ? undefined : resolve(ctx.cwd, options.output);
  if (output === undefined && ctx.isStdoutTty) {
    throw invalidArgument("cowardly refusing to save to a terminal. Use the -o flag or redirect");
  }
  if (output !== undefined && !existsSync(dirname(output))) {
    throw invalidArgument(`failed to save image: invalid output path: directory "${dirname(output)}" does not exist`);
  }
  const service = await ctx.getService();
  const progress = createProgressLine(ctx);
  const archive = service.images.save(args, { onProgress: progress.listener });
  try {
    if (output === undefined) await pipeline(Readable.from(archive), ctx.stdout, { end: false });
    else await writeFileAtomically(output, archive);
  } finally {
    progress.finish();
  }
  return 0;
};
