import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument } from "@berth/core";
import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
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

/**
 * Write beside the target, fsync, then rename: a failed save never leaves a partial file. Each
 * chunk is written while the next one is produced (read from the store), not after.
 */
async function writeFileAtomically(path: string, data: AsyncIterable<Uint8Array>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.berth-${randomBytes(6).toString("hex")}`);
  const file = await open(temporary, "wx", 0o644);
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of data) {
      await writing;
      writing = file.writeFile(chunk); // at the file's position, however many write(2)s it takes
    }
    await writing;
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await writing.catch(() => {});
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
