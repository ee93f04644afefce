import { closeSync, createReadStream, openSync, readSync } from "node:fs";
import { detectCompression } from "../layers/decompress.js";
import { invalidArchive, type ArchiveFile } from "./archive-index.js";

const CHUNK = 256 << 10;

/**
 * The bytes of an archive file (a layer), streamed from where they lie. A compressed file's
 * chunks are fresh buffers (a decompressor may queue them). An uncompressed one, the common
 * case, is read synchronously into two buffers used in turn, allocating nothing and never
 * waiting on the thread pool: each chunk is only valid until the next but one is requested.
 * The layer applier is done with a chunk by then (its tar reader, hash and split recorder keep
 * at most the previous one); a consumer that keeps chunks longer must not read this way.
 */
export async function* readArchiveFile(file: ArchiveFile): AsyncIterable<Uint8Array> {
  if (file.size === 0) return;
  const fd = openSync(file.path, "r");
  try {
    const head = Buffer.alloc(Math.min(8, file.size));
    readFully(fd, head, file.offset);
    if (detectCompression(head) === "none") {
      const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
      for (let done = 0, turn = 0; done < file.size; turn ^= 1) {
        const chunk = buffers[turn]!.subarray(0, Math.min(CHUNK, file.size - done));
        readFully(fd, chunk, file.offset + done);
        done += chunk.length;
        yield chunk;
      }
      return;
    }
  } finally {
    closeSync(fd);
  }
  yield* createReadStream(file.path, { start: file.offset, end: file.offset + file.size - 1, highWaterMark: 1 << 20 });
}

function readFully(fd: number, buffer: Buffer, position: number): void {
  for (let got = 0; got < buffer.length; ) {
    const read = readSync(fd, buffer, got, buffer.length - got, position + got);
    if (read === 0) throw invalidArchive("unexpected end of archive");
    got += read;
  }
}
