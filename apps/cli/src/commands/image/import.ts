import { defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { toByteSource } from "../../byte-source.js";
import { createProgressLine } from "../../progress.js";

export const spec = defineSpec({
  name: "image import",
  aliases: ["import"],
  summary: "Import the contents from a tarball to create a filesystem image",
  usage: "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
  args: [{ name: "file|URL|-" }, { name: "REPOSITORY[:TAG]", isOptional: true }],
  options: {
    change: listOption("-c, --change list", "Apply Dockerfile instruction to the created image"),
    message: stringOption("-m, --message string", "Set commit message for imported image"),
  },
  examples: [
    "berth import rootfs.tar localhost/base:1",
    "cat rootfs.tar | berth import -c 'CMD [\"sh\"]' -c 'ENV LANG=C.UTF-8' - localhost/base:1",
  ],
});

/** Prints the new image's full id, as docker does. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const source = toByteSource(ctx, args[0]!);
  const service = await ctx.getService();
  const progress = createProgressLine(ctx);
  let id: string;
  try {
    id = await service.images.import(source, {
      reference: args[1],
      changes: options.change,
      message: options.message,
      onProgress: progress.listener,
    });
  } finally {
    progress.finish();
  }
  ctx.stdout.write(`${id}\n`);
  return 0;
};
