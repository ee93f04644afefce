import { forEachContainer } from "../../batch.js";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container cleanup",
  aliases: [],
  summary: "Record a container's exit and free what it held (its monitor runs this)",
  usage: "CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {},
  examples: ["berth container cleanup 3f5a"],
  isHidden: true,
});

/**
 * The exit command a container's monitor runs: unmount, free the cgroup, then honour --rm and the
 * restart policy. Idempotent, so running it again (or for a removed container) is harmless.
 */
export const run: RunCommand<typeof spec> = async (ctx, args) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.cleanup(name);
    return name;
  });
};
