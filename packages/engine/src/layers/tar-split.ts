/*
 * tar-split (docker's idea): a layer is stored once, as its extracted diff dir plus a small
 * "split" record of everything in its tar that is not file content (headers, PAX records,
 * padding, end-of-archive blocks). The exact layer tar is reassembled from the two on demand
 * (save), so diff_ids and image IDs survive without a second copy of the bytes.
 *
 * The record is a sequence of frames: `R` u32 length + raw tar bytes, or `F` u32 length + the
 * file's path inside the diff dir (UTF-8) + u64 data size, and last a `C` frame: u32 length +
 * each F file's ctime (u64 nanoseconds) once the layer was whole. The diff_id was verified when
 * the layer was applied; a file whose ctime is unchanged has not been written, chmod'ed or
 * replaced since, so when every one is, reassembly just copies (tar-split-assemble.ts). Else it
 * hashes what it yields and fails with DATA_CORRUPTED when the result is not the diff_id.
 */
import { closeSync, constants, lstatSync, openSync, writeSync } from "node:fs";
import { BerthError } from "@berth/core";

export const RAW = 0x52; // "R"
export const FILE = 0x46; // "F"
export const CTIMES = 0x43; // "C"
const BUFFER_SIZE = 1 << 20;

/**
 * Writes a split record while a layer is applied: every byte of the tar passes through onChunk
 * in order, and the applier calls file() where an entry's data starts (the data then goes to
 * that file of the diff dir, not to the record). abandon() marks the record useless (an entry
 * replaced content already written): the caller must keep the whole tar instead.
 */
export class SplitRecorder {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private held: Uint8Array = new Uint8Array(0);
  private heldStart = 0;
  /** Bytes before this offset are written to the record (or skipped as file data). */
  private flushed = 0;
  private skipUntil = 0;
  /** The F frames' paths, in order. */
  private readonly files: string[] = [];
  isAbandoned = false;

  constructor(
    path: string,
    private readonly diffDir: string,
  ) {
    this.fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  }

  /** Every chunk of the tar, in order: the previous ones are then wholly classified. */
  onChunk(chunk: Uint8Array): void {
    this.flushRaw(this.heldStart + this.held.length);
    this.heldStart += this.held.length;
    this.held = chunk;
  }

  /** The data of the entry written to `path` (relative to the diff dir) starts at tar offset `start`. */
  file(path: string, start: number, size: number): void {
    if (this.isAbandoned || size === 0) return;
    this.flushRaw(start);
    const length = Buffer.byteLength(path);
    const at = this.reserve(1 + 4 + length + 8);
    this.buffer[at] = FILE;
    this.buffer.writeUInt32LE(length, at + 1);
    this.buffer.write(path, at + 5);
    this.buffer.writeUInt32LE(size % 2 ** 32, at + 5 + length); // u64, little-endian
    this.buffer.writeUInt32LE(Math.floor(size / 2 ** 32), at + 9 + length);
    this.files.push(path);
    this.skipUntil = start + size;
    this.flushed = Math.max(this.flushed, this.skipUntil);
  }

  abandon(): void {
    this.isAbandoned = true;
  }

  /**
   * Writes the rest (end-of-archive blocks and anything after) and the files' ctimes, then closes
   * the record. Call once the layer is whole: xattrs and hard links change ctimes too.
   */
  finish(): void {
    try {
      this.flushRaw(this.heldStart + this.held.length);
      const ctimes = Buffer.allocUnsafe(5 + 8 * this.files.length);
      ctimes[0] = CTIMES;
      ctimes.writeUInt32LE(8 * this.files.length, 1);
      for (const [index, path] of this.files.entries()) ctimes.writeBigUInt64LE(lstatSync(`${this.diffDir}/${path}`, { bigint: true }).ctimeNs, 5 + 8 * index);
      this.push(ctimes);
      this.writeOut();
    } finally {
      closeSync(this.fd);
    }
  }

  /** Closes the record without finishing it (after an error). */
  close(): void {
    closeSync(this.fd);
  }

  private flushRaw(upTo: number): void {
    const from = Math.max(this.flushed, this.skipUntil);
    this.flushed = Math.max(this.flushed, upTo);
    if (this.isAbandoned || from >= upTo) return;
    const at = this.reserve(5);
    this.buffer[at] = RAW;
    this.buffer.writeUInt32LE(upTo - from, at + 1);
    this.push(this.held.subarray(from - this.heldStart, upTo - this.heldStart));
  }

  /**
   * Room for a frame's head (a path is shorter than PATH_MAX: its file was created) in the
   * buffer: where it goes, counted as used.
   */
  private reserve(bytes: number): number {
    if (this.used + bytes > this.buffer.length) this.writeOut();
    this.used += bytes;
    return this.used - bytes;
  }

  private push(data: Uint8Array): void {
    if (this.used + data.length > this.buffer.length) this.writeOut();
    if (data.length > this.buffer.length) {
      writeAll(this.fd, data);
      return;
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
  }

  private writeOut(): void {
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
}

