import { defineSpec, type RunCommand } from "../../command-spec.js";
import { createContainer, parsePullPolicy } from "../../create-container.js";
import { createFlagOptions, toCreateOptions } from "../../create-flags.js";
import { containerRunExitStatusByCode } from "../../exit-status.js";

export const spec = defineSpec({
  name: "container create",
  aliases: ["create"],
  summary: "Create a container from an image without starting it",
  usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
  args: [{ name: "IMAGE" }, { name: "COMMAND", isOptional: true }, { name: "ARG", isOptional: true, isVariadic: true }],
  options: createFlagOptions,
  examples: ["berth create --name web -e PORT=8080 busybox httpd -f -p 8080", "berth create -it busybox sh"],
  canIntersperseFlags: false,
  exitStatusByCode: containerRunExitStatusByCode,
});

/** Prints the new container's full id. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const pullPolicy = parsePullPolicy(options.pull);
  const id = await createContainer(ctx, await toCreateOptions(ctx, args, options, { isDetached: false }), pullPolicy);
  ctx.stdout.write(`${id}\n`);
  return 0;
};
