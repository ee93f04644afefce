import { forEachContainer } from "../../batch.js";
import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container rm",
  aliases: ["container remove", "rm"],
  summary: "Remove one or more containers",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {
    force: booleanOption("-f, --force", "Kill a running container first, then remove it"),
    volumes: booleanOption("-v, --volumes", "Remove the container's anonymous volumes too"),
  },
  examples: ["berth rm web", "berth rm -f web worker", "berth rm $(berth ps -aq -f status=exited)"],
});

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  return forEachContainer(ctx, args, async (name) => {
    await containers.remove(name, { force: options.force, volumes: options.volumes });
    return name;
  });
};
