import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { BerthError } from "@berth/core";
import { loadExeca } from "../host/load-execa.js";

// Layer blobs arrive gzip-compressed (usually), zstd, xz, bzip2 or plain. The format is sniffed
// from the magic bytes; gzip is inflated in-process, the others by the Debian tools.

export type Compression = "none" | "gzip" | "zstd" | "xz" | "bzip2";

const MAGIC: Array<[Compression, number[]]> = [
  ["gzip", [0x1f, 0x8b]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["bzip2", [0x42, 0x5a, 0x68]],
];

const COMMANDS: Record<"zstd" | "xz" | "bzip2", string> = { zstd: "zstd", xz: "xz", bzip2: "bzip2" };
const CHUNK = 256 * 1024;

export function detectCompression(head: Uint8Array): Compression {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, i) => head[i] === byte)) return kind;
  }
  return "none";
}

export interface Decompressed {
  compression: Compression;
  /** The uncompressed bytes. Ending iteration early releases the decompressor. */
  stream: AsyncIterable<Uint8Array>;
}

/** Sniffs the first bytes of `source` and returns its uncompressed content. */
export async function openDecompressed(
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream,
): Promise<Decompressed> {
  const iterator = (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let done = false;
  while (headBytes < 6) {
    const result = await iterator.next();
    if (result.done) {
      done = true;
      break;
    }
    if (typeof result.value === "string") throw new BerthError("INVALID_ARGUMENT", "layer stream must yield bytes");
    head.push(result.value);
    headBytes += result.value.length;
  }
  const compression = detectCompression(Buffer.concat(head));
  const replayed = (async function* () {
    try {
      yield* head;
      if (done) return;
      for (;;) {
        const result = await iterator.next();
        if (result.done) return;
        yield result.value as Uint8Array;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  })();
  if (compression === "none") return { compression, stream: replayed };
  if (compression === "gzip") return { compression, stream: gunzip(replayed) };
  return { compression, stream: viaCommand(COMMANDS[compression], replayed) };
}

function corrupted(compression: string, detail: string, cause?: unknown): BerthError {
  return new BerthError("DATA_CORRUPTED", `invalid ${compression} layer data: ${detail}`, { cause });
}

async function* gunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const inflater = createGunzip({ chunkSize: CHUNK });
  const source = Readable.from(input, { objectMode: false });
  let sourceError: unknown;
  source.on("error", (error) => {
    sourceError = error;
    inflater.destroy(error);
  });
  source.pipe(inflater);
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof BerthError || error === sourceError) throw error;
    throw corrupted("gzip", (error as Error).message, error);
  } finally {
    source.destroy();
    inflater.destroy();
  }
}

async function* viaCommand(command: string, input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const execa = await loadExeca();
  const child = execa(command, ["-dc"], { stdin: "pipe", buffer: false, stderr: "pipe", reject: false });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // An early exit of the decompressor (corrupt input) breaks this pipe; its status tells why.
  const feeding = pipeline(Readable.from(input), child.stdin!).catch(() => undefined);
  let complete = false;
  try {
    for await (const chunk of child.stdout!) yield chunk as Buffer;
    const result = await child;
    await feeding;
    if (result.exitCode !== 0) {
      throw corrupted(command, stderr.trim() || `${command} exited with ${result.exitCode ?? result.signal}`);
    }
    complete = true;
  } finally {
    if (!complete) {
      child.kill("SIGKILL");
      await child;
      await feeding;
    }
  }
}
