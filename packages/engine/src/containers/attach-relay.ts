import type { AttachStreams } from "@berth/core";
import { connectAttach, type AttachSession } from "../native/attach-client.js";

// An attached client (run, start -a): the monitor's frames relayed to AttachStreams, stdin and
// terminal sizes sent the other way, until the exit frame (its code) or a detach (undefined).

/** Feeds `source` to `each` until it ends (then `done`) or `stopped` settles. */
export async function pump<T>(source: AsyncIterable<T> | undefined, each: (item: T) => void, done: () => void, stopped: Promise<unknown>): Promise<void> {
  if (source === undefined) return;
  const iterator = source[Symbol.asyncIterator]();
  let isStopped = false;
  void stopped.then(() => {
    isStopped = true;
    void iterator.return?.();
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), stopped.then(() => ({ done: true, value: undefined }) as const)]);
      if (next.done || isStopped) break;
      each(next.value);
    }
    if (!isStopped) done();
  } catch {
    // the client's input failed: the container keeps its stdin until it exits
  }
}

export interface AttachOutcome {
  /** The exit code from the exit frame; undefined after a detach or when the monitor vanished. */
  exitCode: number | undefined;
  detached: boolean;
}

/**
 * Connects to the monitor's socket. `start`: this client lets a `--wait-start` process run, once
 * registered, so it misses nothing. `stdin` is relayed only when the container keeps stdin open.
 */
export async function relayAttach(socketPath: string, streams: AttachStreams, options: { start: boolean; stdin: boolean }): Promise<AttachOutcome> {
  const session: AttachSession = await connectAttach(socketPath, {
    stdin: options.stdin && streams.stdin !== undefined,
    stdout: true,
    stderr: true,
    start: options.start,
    onOutput: (stream, data) => (stream === "stdout" ? streams.stdout(data) : streams.stderr(data)),
    ...(streams.size ? { size: streams.size } : {}),
  });
  let detached = false;
  const onDetach = () => {
    detached = true;
    session.close();
  };
  if (streams.detach?.aborted) onDetach();
  streams.detach?.addEventListener("abort", onDetach, { once: true });
  const ended = session.exited;
  if (options.stdin) void pump(streams.stdin, (chunk) => session.writeStdin(Buffer.from(chunk)), () => session.closeStdin(), ended);
  void pump(streams.resize, (size) => session.resize(size.rows, size.cols), () => {}, ended);
  const exitCode = await ended;
  streams.detach?.removeEventListener("abort", onDetach);
  return { exitCode: detached ? undefined : exitCode, detached };
}
