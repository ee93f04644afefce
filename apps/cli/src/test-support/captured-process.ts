import { PassThrough, Readable, Writable } from "node:stream";
import type { ProcessLike } from "../context.js";

class CapturedStream extends Writable {
  private readonly chunks: string[] = [];
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  text(): string {
    return this.chunks.join("");
  }
}

/** A process for in-memory runs of runCli: captured stdout/stderr, a given stdin, no signals. */
export function createCapturedProcess(options: { stdin?: string; env?: Record<string, string> } = {}) {
  const stdout = new CapturedStream();
  const stderr = new CapturedStream();
  const stdin = options.stdin === undefined ? new PassThrough() : Readable.from([Buffer.from(options.stdin)]);
  const proc: ProcessLike = {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: () => "/",
    once: () => undefined,
    on: () => undefined,
    off: () => undefined,
  };
  return { proc, stdout, stderr };
}
