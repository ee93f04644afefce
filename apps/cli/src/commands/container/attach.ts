import { relayLocalStdio, notATtyMessage } from "../../attach.js";
import { booleanOption, defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { defaultDetachKeys, parseDetachKeys } from "../../detach-keys.js";

export const spec = defineSpec({
  name: "container attach",
  aliases: ["attach"],
  summary: "Attach local standard input, output, and error streams to a running container",
  usage: "[OPTIONS] CONTAINER",
  args: [{ name: "CONTAINER" }],
  options: {
    detachKeys: stringOption("--detach-keys string", 'Override the key sequence for detaching a container (default "ctrl-p,ctrl-q")'),
    noStdin: booleanOption("--no-stdin", "Do not attach STDIN"),
    sigProxy: booleanOption("--sig-proxy", "Proxy all received signals to the process (without a tty)", true),
  },
  examples: ["berth attach web", "berth attach --no-stdin web", "berth attach --detach-keys ctrl-x,x shell"],
});

/**
 * Attaches to the running container until it exits (berth exits with its code) or, on its pty,
 * until the detach keys are typed (exit 0, the container keeps running).
 */
export const run: RunCommand<typeof spec> = async (ctx, [name], options) => {
  const detachKeys = parseDetachKeys(options.detachKeys ?? defaultDetachKeys);
  const { containers } = await ctx.getService();
  const config = (await containers.inspect(name!))["Config"] as { Tty?: unknown; OpenStdin?: unknown } | undefined;
  const isTty = config?.Tty === true;
  const isInteractive = !options.noStdin && config?.OpenStdin === true;
  if (isTty && isInteractive && !ctx.isStdinTty) {
    ctx.stderr.write(`${notATtyMessage}\n`);
    return 1;
  }
  return relayLocalStdio(ctx, containers, name!, { isInteractive, isTty, isSignalProxy: options.sigProxy, detachKeys }, (streams) => containers.attach(name!, streams));
};
