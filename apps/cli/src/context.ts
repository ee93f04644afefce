import type { Readable, Writable } from "node:stream";
import type { BerthService } from "@berth/core";

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
}

export interface ProcessLike {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd(): string;
  once(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
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
    async dispose() {
      if (servicePromise === undefined) return;
      const service = await servicePromise.catch(() => undefined);
      await service?.close();
    },
  };
}
