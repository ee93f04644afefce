import { parseEnvOptions, type AttachStreams } from "@berth/core";
import { notATtyMessage } from "../../attach.js";
import { booleanOption, defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { readFlagFiles } from "../../create-flags.js";

export const spec = defineSpec({
  name: "container exec",
  aliases: ["exec"],
  summary: "Execute a command in a running container",
  usage: "[OPTIONS] CONTAINER COMMAND [ARG...]",
  args: [{ name: "CONTAINER" }, { name: "COMMAND" }, { name: "ARG", isOptional: true, isVariadic: true }],
  options: {
    detach: booleanOption("-d, --detach", "Detached mode: run command in the background"),
    env: listOption("-e, --env list", "Set environment variables"),
    envFile: listOption("--env-file list", "Read in a file of environment variables"),
    interactive: booleanOption("-i, --interactive", "Keep STDIN open even if not attached"),
    privileged: booleanOption("--privileged", "Give extended privileges to the command"),
    tty: booleanOption("-t, --tty", "Allocate a pseudo-TTY"),
    user: stringOption("-u, --user string", "Username or UID (format: <name|uid>[:<group|gid>])"),
    workdir: stringOption("-w, --workdir string", "Working directory inside the container"),
  },
  examples: ["berth exec web ls /", "berth exec -it web sh", "echo hi | berth exec -i web cat", "berth exec -d web touch /tmp/ready"],
  canIntersperseFlags: false,
});

/**
 * Runs the command in the running container and exits with its code (126/127 when it cannot
 * run). `-it` puts the local terminal in raw mode and lets the pty follow its size; `-d` prints
 * nothing and returns as soon as the process is launched (its output is discarded).
 */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const [container = "", ...cmd] = args; // the parser has checked for both
  const isInteractive = options.interactive && !options.detach;
  if (options.tty && isInteractive && !ctx.isStdinTty) {
    ctx.stderr.write(`${notATtyMessage}\n`);
    return 1;
  }
  const envFiles = await readFlagFiles(ctx, options.envFile);
  const execOptions = {
    cmd,
    detach: options.detach,
    interactive: isInteractive,
    tty: options.tty,
    env: parseEnvOptions(options.env, envFiles, ctx.env),
    privileged: options.privileged,
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.workdir === undefined ? {} : { workingDir: options.workdir }),
  };
  const { containers } = await ctx.getService();
  if (options.detach) {
    await containers.exec(container, execOptions);
    return 0;
  }
  const done = new AbortController();
  const streams: AttachStreams = {
    stdout: (chunk) => ctx.stdout.write(chunk),
    stderr: (chunk) => ctx.stderr.write(chunk),
  };
  if (isInteractive) streams.stdin = ctx.stdin;
  const size = options.tty ? ctx.terminalSize() : undefined;
  if (size !== undefined) streams.size = size;
  if (options.tty) streams.resize = ctx.terminalSizes(done.signal);
  const restoreTerminal = options.tty && isInteractive ? ctx.enterRawMode() : () => {};
  try {
    return (await containers.exec(container, execOptions, streams)) ?? 0;
  } finally {
    done.abort();
    restoreTerminal();
  }
};
