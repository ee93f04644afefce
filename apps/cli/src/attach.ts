import { BerthError, type AttachStreams, type ContainerService } from "@berth/core";
import type { CommandContext } from "./context.js";
import { relayUntilDetach } from "./detach-keys.js";

export interface AttachOptions {
  /** `-i`: the local stdin feeds the container's. */
  isInteractive: boolean;
  /** The container has a pty (`-t`): raw mode when interactive, and the window size follows ours. */
  isTty: boolean;
  /** docker's --sig-proxy: without a pty, signals berth receives go to the container. */
  isSignalProxy: boolean;
  /** With -it: typing these leaves the container running and berth exits 0 (docker's --detach-keys). */
  detachKeys: Uint8Array;
}

/** docker's refusal of `-it` when stdin is a pipe or a file. */
export const notATtyMessage = "the input device is not a TTY";

/**
 * Start a container with the local stdio attached and return its exit code. With `-it` the local
 * terminal is in raw mode until the container exits, whatever happens.
 */
export function startAttached(ctx: CommandContext, containers: ContainerService, id: string, options: AttachOptions): Promise<number> {
  return relayLocalStdio(ctx, containers, id, options, (streams) => containers.start(id, streams));
}

/**
 * The local stdio relayed to a container through `connect` (start -a, attach): its exit code, or 0
 * after the detach keys.
 */
export async function relayLocalStdio(
  ctx: CommandContext,
  containers: ContainerService,
  id: string,
  options: AttachOptions,
  connect: (streams: AttachStreams) => Promise<number | undefined>,
): Promise<number> {
  const done = new AbortController();
  const detach = new AbortController();
  const isTerminal = options.isTty && options.isInteractive;
  const streams: AttachStreams = {
    stdout: (chunk) => ctx.stdout.write(chunk),
    stderr: (chunk) => ctx.stderr.write(chunk),
  };
  if (options.isInteractive) {
    streams.stdin = isTerminal ? relayUntilDetach(ctx.stdin, options.detachKeys, () => detach.abort()) : ctx.stdin;
  }
  if (options.isTty) {
    streams.size = ctx.terminalSize();
    streams.resize = ctx.terminalSizes(done.signal);
  }
  if (isTerminal) streams.detach = detach.signal;
  const restoreTerminal = isTerminal ? ctx.enterRawMode() : () => {};
  const stopProxy =
    options.isSignalProxy && !options.isTty
      ? ctx.onSignals((signal) => void containers.kill(id, signal).catch(() => {}))
      : () => {};
  try {
    const exitCode = await connect(streams);
    if (exitCode !== undefined) return exitCode;
    if (detach.signal.aborted) return 0;
    throw new BerthError("INTERNAL", `container ${id} ended without an exit code`);
  } finally {
    stopProxy();
    done.abort();
    restoreTerminal();
  }
}
