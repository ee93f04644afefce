import { isBerthError } from "@berth/core";
import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";
import { formatError } from "../../exit-status.js";
import { formatRemoveLines } from "../../render/remove-lines.js";

export const spec = defineSpec({
  name: "image rm",
  aliases: ["image remove", "rmi"],
  summary: "Remove one or more images",
  usage: "[OPTIONS] IMAGE [IMAGE...]",
  args: [{ name: "IMAGE", isVariadic: true }],
  options: {
    force: booleanOption("-f, --force", "Force removal of the image"),
    noPrune: booleanOption("--no-prune", "Do not delete untagged parents"),
  },
  examples: ["berth rmi busybox", "berth rmi -f 3f5a 7c1d"],
});

/**
 * Each image on its own: results as they come, failures listed at the end. Exit 1 if any
 * failed, except that with --force images that do not exist are reported but not fatal (docker).
 */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const service = await ctx.getService();
  const failures: string[] = [];
  let isFatal = false;
  for (const reference of args) {
    try {
      const results = await service.images.remove(reference, { force: options.force, noPrune: options.noPrune });
      ctx.stdout.write(formatRemoveLines(results));
    } catch (error) {
      if (!isBerthError(error)) throw error;
      if (!isBerthError(error, "NOT_FOUND")) isFatal = true;
      failures.push(formatError(error));
    }
  }
  ctx.stderr.write(failures.join(""));
  return failures.length > 0 && (isFatal || !options.force) ? 1 : 0;
};
