import { randomBytes } from "node:crypto";
import { existsSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { invalidArgument, type ByteSink } from "@berth/core";
import type { CommandContext } from "./context.js";

/**
 * `-o FILE` made absolute, or undefined for stdout; refuses a terminal and a missing directory
 * with docker's texts (`what`: "save image", "export container").
 */
export function outputPath(ctx: CommandContext, output: string | undefined, what: string): string | undefined {
  const path = output === undefined ? undefined : resolve(ctx.cwd, output);
  if (path === undefined && ctx.isStdoutTty) {
    throw invalidArgument("cowardly refusing to save to a terminal. Use the -o flag or redirect");
  }
  if (path !== undefined && !existsSync(dirname(path))) {
    throw invalidArgument(`failed to ${what}: invalid output path: directory "${dirname(path)}" does not exist`);
  }
  return path;
}

/** Writes a command's output through the sink it is given (a save), resolving when all is written. */
export type Producer = (sink: ByteSink) => Promise<void>;

/** A producer writing each chunk of `data` in turn. */
export function chunksOf(data: AsyncIterable<Uint8Array>): Producer {
  return async (sink) => {
    for await (const chunk of data) await sink.write(chunk);
  };
}

/** The output to the file (atomically) or to stdout. */
export async function writeOutput(ctx: CommandContext, path: string | undefined, produce: Producer): Promise<void> {
  if (path === undefined) await produce(streamSink(ctx.stdout));
  else await writeFileAtomically(path, produce);
}

/** Each chunk written before the next is produced (the producer may reuse its buffer). */
function streamSink(stream: Writable): ByteSink {
  return {
    write: (chunk) => new Promise<void>((done, fail) => stream.write(chunk, (error) => (error ? fail(error) : done()))),
  };
}

/** Bytes written between two early flushes of the output file. */
const FLUSH_EVERY = 64 << 20;

/**
 * Write beside the target, fsync, then rename: a failed save never leaves a partial file. Each
 * chunk is written synchronously (no thread pool round trip per chunk; the producer reuses its
 * buffer at once), and what is written is flushed to the disk meanwhile (one fdatasync at a
 * time, in the thread pool), so the final fsync has little left to write.
 */
async function writeFileAtomically(path: string, produce: Producer): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.berth-${randomBytes(6).toString("hex")}`);
  const file = await open(temporary, "wx", 0o644);
  let flushing: Promise<void> | undefined;
  let flushError: unknown;
  let unflushed = 0;
  const sink: ByteSink = {
    write(chunk) {
      if (flushError !== undefined) throw flushError;
      for (let done = 0; done < chunk.length; ) done += writeSync(file.fd, chunk, done);
      unflushed += chunk.length;
      if (unflushed >= FLUSH_EVERY && flushing === undefined) {
        unflushed = 0;
        flushing = file.datasync().then(
          () => (flushing = undefined),
          (error: unknown) => ((flushError = error), (flushing = undefined)),
        );
      }
    },
  };
  try {
    await produce(sink);
    await flushing;
    if (flushError !== undefined) throw flushError;
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await flushing;
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
