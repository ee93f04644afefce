import { invalidArgument, type ContainerService } from "@berth/core";
import { notATtyMessage, startAttached } from "../../attach.js";
import { defaultDetachKeys, parseDetachKeys } from "../../detach-keys.js";
import { forEachContainer } from "../../batch.js";
import { booleanOption, defineSpec, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container start",
  aliases: ["start"],
  summary: "Start one or more containers that are not running",
  usage: "[OPTIONS] CONTAINER [CONTAINER...]",
  args: [{ name: "CONTAINER", isVariadic: true }],
  options: {
    attach: booleanOption("-a, --attach", "Stay attached to the output and exit with the container's code"),
    detachKeys: stringOption("--detach-keys string", 'Keys that leave an -it container running (default "ctrl-p,ctrl-q")'),
    interactive: booleanOption("-i, --interactive", "Feed berth's stdin to the container"),
  },
  examples: ["berth start web", "berth start -ai shell"],
});

/**
 * Without -a/-i: start each container, printing its name as given. With them: one container,
 * attached, and berth exits with its exit code.
 */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { containers } = await ctx.getService();
  if (!options.attach && !options.interactive) {
    return forEachContainer(ctx, args, async (name) => {
      await containers.start(name);
      return name;
    });
  }
  const detachKeys = parseDetachKeys(options.detachKeys ?? defaultDetachKeys);
  const [name] = args;
  if (name === undefined || args.length > 1) throw invalidArgument("you cannot start and attach multiple containers at once");
  const config = await readConfig(containers, name);
  const isInteractive = options.interactive && config.openStdin;
  if (config.tty && isInteractive && !ctx.isStdinTty) {
    ctx.stderr.write(`${notATtyMessage}\n`);
    return 1;
  }
  return startAttached(ctx, containers, name, { isInteractive, isTty: config.tty, isSignalProxy: true, detachKeys });
};

/** The two settings of the container's inspect `Config` that decide how to attach. */
async function readConfig(containers: ContainerService, name: string): Promise<{ tty: boolean; openStdin: boolean }> {
  const config = (await containers.inspect(name))["Config"] as { Tty?: unknown; OpenStdin?: unknown } | undefined;
  return { tty: config?.Tty === true, openStdin: config?.OpenStdin === true };
}
