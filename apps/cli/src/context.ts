import { on } from "node:events";
import type { Readable, Writable } from "node:stream";
import type { BerthService } from "@berth/core";

/** A terminal's size as a pty takes it. */
export interface TerminalSize {
  rows: number;
  cols: number;
}

/** Signals `run` passes on to an attached container without a tty (docker's --sig-proxy). */
export const proxiedSignals = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2"] as const;
export type ProxiedSignal = (typeof proxiedSignals)[number];

/** Everything a command may touch. Commands never reach for `process` themselves. */
export interface CommandContext {
  readonly stdin: Readable;
  /** Data goes here (tables, ids, JSON, tar streams). */
  readonly stdout: Writable;
  /** Diagnostics, prompts' errors and progress go here. */
  readonly stderr: Writable;
  readonly isStdinTty: boolean;
  readonly isStdoutTty: boolean;
  readonly isStderrTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths given on the command line resolve against this. */
  readonly cwd: string;
  now(): Date;
  /** The engine, created on first use (so `berth version` never loads it) and closed by main. */
  getService(): Promise<BerthService>;
  /**
   * A signal aborted on the first SIGINT/SIGTERM. Asking for it turns Ctrl-C into a clean stop for
   * this command (the command must then finish promptly); commands that never ask keep the
   * default behaviour of dying on the signal.
   */
  interruptSignal(): AbortSignal;
  /**
   * Puts the local terminal (stdin, a tty) in raw mode, so every key reaches an attached
   * container's pty unprocessed, Ctrl-C included. Returns the function that restores it.
   */
  enterRawMode(): () => void;
  /** The local terminal's size, when stdout is one. */
  terminalSize(): TerminalSize | undefined;
  /** Each change of the local terminal's size (SIGWINCH) until `signal` aborts; none for a pipe. */
  terminalSizes(signal: AbortSignal): AsyncIterable<TerminalSize>;
  /**
   * Calls `listener` for each proxied signal this process receives until the returned function is
   * called; while subscribed, those signals no longer end berth.
   */
  onSignals(listener: (signal: ProxiedSignal) => void): () => void;
}

export interface ProcessLike {
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd(): string;
  once(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  on(event: ProxiedSignal, listener: () => void): unknown;
  off(event: ProxiedSignal, listener: () => void): unknown;
}

export interface OwnedCommandContext extends CommandContext {
  /** Close the service if one was created. */
  dispose(): Promise<void>;
}

export function createCommandContext(
  proc: ProcessLike,
  createService: () => Promise<BerthService>,
): OwnedCommandContext {
  let servicePromise: Promise<BerthService> | undefined;
  let interrupt: AbortController | undefined;
  return {
    stdin: proc.stdin,
    stdout: proc.stdout,
    stderr: proc.stderr,
    isStdinTty: proc.stdin.isTTY === true,
    isStdoutTty: proc.stdout.isTTY === true,
    isStderrTty: proc.stderr.isTTY === true,
    env: proc.env,
    cwd: proc.cwd(),
    now: () => new Date(),
    getService() {
      servicePromise ??= createService();
      return servicePromise;
    },
    interruptSignal() {
      if (interrupt === undefined) {
        const controller = new AbortController();
        const abort = () => controller.abort();
        proc.once("SIGINT", abort);
        proc.once("SIGTERM", abort);
        interrupt = controller;
      }
      return interrupt.signal;
    },
    enterRawMode() {
      const stdin = proc.stdin;
      if (stdin.isTTY !== true || stdin.setRawMode === undefined) return () => {};
      stdin.setRawMode(true);
      return () => stdin.setRawMode?.(false);
    },
    terminalSize: () => terminalSizeOf(proc.stdout),
    terminalSizes: (signal) => watchTerminalSize(proc.stdout, signal),
    onSignals(listener) {
      const subscriptions = proxiedSignals.map((name) => [name, () => listener(name)] as const);
      for (const [name, handler] of subscriptions) proc.on(name, handler);
      return () => {
        for (const [name, handler] of subscriptions) proc.off(name, handler);
      };
    },
    async dispose() {
      if (servicePromise === undefined) return;
      const service = await servicePromise.catch(() => undefined);
      await service?.close();
    },
  };
}

function terminalSizeOf(stdout: ProcessLike["stdout"]): TerminalSize | undefined {
  return stdout.isTTY === true ? { rows: stdout.rows ?? 24, cols: stdout.columns ?? 80 } : undefined;
}

/** Node turns SIGWINCH into a `resize` event on a tty stdout. */
async function* watchTerminalSize(stdout: ProcessLike["stdout"], signal: AbortSignal): AsyncIterable<TerminalSize> {
  if (stdout.isTTY !== true || signal.aborted) return;
  try {
    for await (const _ of on(stdout, "resize", { signal })) yield terminalSizeOf(stdout)!;
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}
