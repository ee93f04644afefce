import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { invalidArgument } from "@berth/core";
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

/** `data` to the file (atomically) or to stdout. */
export async function writeOutput(ctx: CommandContext, path: string | undefined, data: AsyncIterable<Uint8Array>): Promise<void> {
  if (path === undefined) await pipeline(Readable.from(data), ctx.stdout, { end: false });
  else await writeFileAtomically(path, data);
}

/** Bytes written between two early flushes of the output file. */
const FLUSH_EVERY = 64 << 20;

/**
 * Write beside the target, fsync, then rename: a failed save never leaves a partial file. Each
 * chunk is written while the next one is produced (read from the store), not after, and what is
 * written is flushed to the disk meanwhile (one fdatasync at a time), so the final fsync has
 * little left to write.
 */
async function writeFileAtomically(path: string, data: AsyncIterable<Uint8Array>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.berth-${randomBytes(6).toString("hex")}`);
  const file = await open(temporary, "wx", 0o644);
  let writing: Promise<void> = Promise.resolve();
  let flushing: Promise<void> | undefined;
  let unflushed = 0;
  try {
    for await (const chunk of data) {
      await writing;
      if (unflushed >= FLUSH_EVERY && flushing === undefined) {
        unflushed = 0;
        flushing = file.datasync().finally(() => (flushing = undefined));
      }
      writing = file.writeFile(chunk); // at the file's position, however many write(2)s it takes
      unflushed += chunk.length;
    }
    await writing;
    await flushing;
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await writing.catch(() => {});
    await flushing?.catch(() => {});
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
