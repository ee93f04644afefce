import { booleanOption, defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container commit",
  aliases: ["commit"],
  summary: "Create a new image from a container's changes",
  usage: "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
  args: [{ name: "CONTAINER" }, { name: "REPOSITORY[:TAG]", isOptional: true }],
  options: {
    author: stringOption("-a, --author string", 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")'),
    change: listOption("-c, --change list", "Apply Dockerfile instruction to the created image"),
    message: stringOption("-m, --message string", "Commit message"),
    pause: booleanOption("-p, --pause", "Pause container during commit", true),
  },
  examples: ["berth commit web localhost/web:snapshot", "berth commit -c 'CMD [\"httpd\", \"-f\"]' -m 'add site' web localhost/site"],
});

/** Prints the new image's full id, as docker does. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  const id = await containers.commit(args[0]!, {
    reference: args[1],
    author: options.author,
    changes: options.change,
    message: options.message,
    pause: options.pause,
  });
  ctx.stdout.write(`${id}\n`);
  return 0;
};
