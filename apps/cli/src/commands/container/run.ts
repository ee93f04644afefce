import { notATtyMessage, startAttached } from "../../attach.js";
import { defaultDetachKeys, parseDetachKeys } from "../../detach-keys.js";
import { booleanOption, defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { createContainer, parsePullPolicy } from "../../create-container.js";
import { createFlagOptions, toCreateOptions } from "../../create-flags.js";
import { containerRunExitStatusByCode } from "../../exit-status.js";

export const spec = defineSpec({
  name: "container run",
  aliases: ["run"],
  summary: "Create a container from an image and run it",
  usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
  args: [{ name: "IMAGE" }, { name: "COMMAND", isOptional: true }, { name: "ARG", isOptional: true, isVariadic: true }],
  options: {
    ...createFlagOptions,
    detach: booleanOption("-d, --detach", "Start the container in the background and print its id"),
    detachKeys: stringOption("--detach-keys string", 'Keys that leave an -it container running (default "ctrl-p,ctrl-q")'),
    sigProxy: booleanOption("--sig-proxy", "Pass the signals berth receives on to the container (without -t)", true),
  },
  examples: [
    "berth run --rm busybox echo hello",
    "berth run -it busybox sh",
    "berth run -d --name web busybox httpd -f",
    "echo data | berth run -i --rm busybox cat",
  ],
  canIntersperseFlags: false,
  exitStatusByCode: containerRunExitStatusByCode,
});

/**
 * create + start. With -d: print the full id, then start (and fail like docker when the command
 * cannot run: 127 not found, 126 not executable). Otherwise stay attached and
 * exit with the container's own exit code (126/127 included, when its command cannot run).
 */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  if (options.tty && options.interactive && !options.detach && !ctx.isStdinTty) {
    ctx.stderr.write(`${notATtyMessage}\n`);
    return 1;
  }
  const pullPolicy = parsePullPolicy(options.pull);
  const detachKeys = parseDetachKeys(options.detachKeys ?? defaultDetachKeys);
  const createOptions = await toCreateOptions(ctx, args, options, { isDetached: options.detach });
  const id = await createContainer(ctx, createOptions, pullPolicy);
  const { containers } = await ctx.getService();
  if (options.detach) {
    // docker prints the ID whether or not the start works (a command that cannot run exits 127/126).
    ctx.stdout.write(`${id}\n`);
    await containers.start(id);
    return 0;
  }
  return startAttached(ctx, containers, id, {
    isInteractive: options.interactive,
    isTty: options.tty,
    isSignalProxy: options.sigProxy,
    detachKeys,
  });
};
