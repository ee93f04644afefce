import { BerthError, type AttachStreams, type ContainerService } from "@berth/core";
import type { CommandContext } from "./context.js";

export interface AttachOptions {
  /** `-i`: the local stdin feeds the container's. */
  isInteractive: boolean;
  /** The container has a pty (`-t`): raw mode when interactive, and the window size follows ours. */
  isTty: boolean;
  /** docker's --sig-proxy: without a pty, signals berth receives go to the container. */
  isSignalProxy: boolean;
}

/** docker's refusal of `-it` when stdin is a pipe or a file. */
export const notATtyMessage = "the input device is not a TTY";

/**
 * Start a container with the local stdio attached and return its exit code. With `-it` the local
 * terminal is in raw mode until the container exits, whatever happens.
 */
export async function startAttached(
  ctx: CommandContext,
  containers: ContainerService,
  id: string,
  options: AttachOptions,
): Promise<number> {
  const done = new AbortController();
  const streams: AttachStreams = {
    stdout: (chunk) => ctx.stdout.write(chunk),
    stderr: (chunk) => ctx.stderr.write(chunk),
  };
  if (options.isInteractive) streams.stdin = ctx.stdin;
  if (options.isTty) streams.resize = ctx.terminalSizes(done.signal);
  const restoreTerminal = options.isTty && options.isInteractive ? ctx.enterRawMode() : () => {};
  const stopProxy =
    options.isSignalProxy && !options.isTty
      ? ctx.onSignals((signal) => void containers.kill(id, signal).catch(() => {}))
      : () => {};
  try {
    const exitCode = await containers.start(id, streams);
    if (exitCode === undefined) throw new BerthError("INTERNAL", `container ${id} ended without an exit code`);
    return exitCode;
  } finally {
    stopProxy();
    done.abort();
    restoreTerminal();
  }
}
