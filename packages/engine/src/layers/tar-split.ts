/*
 * tar-split (docker's idea): a layer is stored once, as its extracted diff dir plus a small
 * "split" record of everything in its tar that is not file content (headers, PAX records,
 * padding, end-of-archive blocks). The exact layer tar is reassembled from the two on demand
 * (save), so diff_ids and image IDs survive without a second copy of the bytes.
 *
 * The record is a sequence of frames: `R` u32 length + raw tar bytes, or `F` u32 length + the
 * file's path inside the diff dir (UTF-8) + u64 data size. Reassembly hashes what it yields and
 * fails with DATA_CORRUPTED when the result is not the layer's diff_id (or a file changed size).
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { BerthError } from "@berth/core";
import { formatSha256 } from "../storage/sha256.js";

const RAW = 0x52; // "R"
const FILE = 0x46; // "F"
const BUFFER_SIZE = 1 << 20;
const OUTPUT_SIZE = 4 << 20;

/**
 * Writes a split record while a layer is applied: every byte of the tar passes through onChunk
 * in order, and the applier calls file() where an entry's data starts (the data then goes to
 * that file of the diff dir, not to the record). abandon() marks the record useless (an entry
 * replaced content already written): the caller must keep the whole tar instead.
 */
export class SplitRecorder {
  private readonly fd: number;
  private buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  private held: Uint8Array = new Uint8Array(0);
  private heldStart = 0;
  /** Bytes before this offset are written to the record (or skipped as file data). */
  private flushed = 0;
  private skipUntil = 0;
  isAbandoned = false;

  constructor(path: string) {
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
    const name = Buffer.from(path);
    const frame = Buffer.allocUnsafe(1 + 4 + name.length + 8);
    frame[0] = FILE;
    frame.writeUInt32LE(name.length, 1);
    name.copy(frame, 5);
    frame.writeBigUInt64LE(BigInt(size), 5 + name.length);
    this.push(frame);
    this.skipUntil = start + size;
    this.flushed = Math.max(this.flushed, this.skipUntil);
  }

  abandon(): void {
    this.isAbandoned = true;
  }

  /** Writes the rest (end-of-archive blocks and anything after) and closes the record. */
  finish(): void {
    try {
      this.flushRaw(this.heldStart + this.held.length);
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
    const bytes = this.held.subarray(from - this.heldStart, upTo - this.heldStart);
    const frame = Buffer.allocUnsafe(5);
    frame[0] = RAW;
    frame.writeUInt32LE(bytes.length, 1);
    this.push(frame);
    this.push(bytes);
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

type Frame = { raw: Uint8Array } | { path: string; size: number };

function parseSplit(record: Buffer): Frame[] {
  const frames: Frame[] = [];
  const bad = () => new BerthError("DATA_CORRUPTED", "invalid tar-split record");
  for (let offset = 0; offset < record.length; ) {
    const kind = record[offset];
    if (offset + 5 > record.length) throw bad();
    const length = record.readUInt32LE(offset + 1);
    const start = offset + 5;
    if (kind === RAW && start + length <= record.length) {
      frames.push({ raw: record.subarray(start, start + length) });
      offset = start + length;
    } else if (kind === FILE && start + length + 8 <= record.length) {
      frames.push({ path: record.subarray(start, start + length).toString(), size: Number(record.readBigUInt64LE(start + length)) });
      offset = start + length + 8;
    } else {
      throw bad();
    }
  }
  return frames;
}

/** A stored layer's exact tar, ready to stream (from a split record, or a tar blob). */
export interface LayerTar {
  /** Bytes of the tar. */
  size: number;
  /** Reassembled from a split record, it fails at the end if it does not hash to the diff_id. */
  stream(): AsyncIterable<Uint8Array>;
}

/** Opens the reassembly of a layer tar from its split record and diff dir. */
export async function openSplitTar(splitPath: string, diffDir: string, diffId: string): Promise<LayerTar> {
  const frames = parseSplit(await readFile(splitPath));
  const size = frames.reduce((sum, frame) => sum + ("raw" in frame ? frame.raw.length : frame.size), 0);
  return { size, stream: () => assemble(frames, diffDir, diffId) };
}

/**
 * Fills big buffers (file data read straight into them, synchronously: one sequential reader
 * gains nothing from the thread pool) and yields each when full, so the consumer writes large
 * chunks however small the files.
 */
async function* assemble(frames: Frame[], diffDir: string, diffId: string): AsyncIterable<Uint8Array> {
  const hash = createHash("sha256");
  let buffer = Buffer.allocUnsafe(OUTPUT_SIZE);
  let used = 0;
  const take = () => {
    const full = buffer.subarray(0, used);
    hash.update(full);
    buffer = Buffer.allocUnsafe(OUTPUT_SIZE);
    used = 0;
    return full;
  };
  for (const frame of frames) {
    if ("raw" in frame) {
      for (let offset = 0; offset < frame.raw.length; ) {
        if (used === buffer.length) yield take();
        const length = Math.min(frame.raw.length - offset, buffer.length - used);
        buffer.set(frame.raw.subarray(offset, offset + length), used);
        used += length;
        offset += length;
      }
      continue;
    }
    const fd = openSync(`${diffDir}/${frame.path}`, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (fstatSync(fd).size !== frame.size) throw changed(frame.path);
      for (let position = 0; position < frame.size; ) {
        if (used === buffer.length) yield take();
        const got = readSync(fd, buffer, used, Math.min(frame.size - position, buffer.length - used), position);
        if (got === 0) throw changed(frame.path);
        used += got;
        position += got;
      }
    } finally {
      closeSync(fd);
    }
  }
  if (used > 0) yield take();
  const got = formatSha256(hash);
  if (got !== diffId) throw new BerthError("DATA_CORRUPTED", `layer ${diffId} reassembles to ${got}: its files changed`);
}

function changed(path: string): BerthError {
  return new BerthError("DATA_CORRUPTED", `layer file ${JSON.stringify(path)} changed size since it was extracted`);
}
