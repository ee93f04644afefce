import { createHash } from "node:crypto";
import { once } from "node:events";
import { readSync } from "node:fs";
import { BerthError } from "@berth/core";
import { formatSha256 } from "../storage/sha256.js";
import { BLOCK, encodeHeader, encodePaxRecords, type EntryType } from "./tar-format.js";

// A deterministic PAX tar writer: the same entries give the same bytes. ustar fields when a
// value fits (ASCII names up to 100 bytes, or split into prefix/name), PAX records otherwise;
// PAX records sorted by key; no atime/ctime, empty uname/gname.

export type TarOutput = NodeJS.WritableStream | ((chunk: Uint8Array) => void | Promise<void>);

export interface TarWriterEntry {
  /** Root-relative path without a trailing slash. */
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Whole seconds. */
  mtime: number;
  /** Data size, for regular files. */
  size?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: ReadonlyMap<string, Uint8Array>;
}

const BUFFER_SIZE = 1 << 20;
const MAX_ID = 0o7777777;
const MAX_SIZE = 0o77777777777;
const ZERO_BLOCKS = Buffer.alloc(2 * BLOCK);

function isAscii(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte > 0 && byte < 0x80);
}

function asciiPlaceholder(bytes: Uint8Array, length: number): Buffer {
  return Buffer.from(bytes.subarray(0, length).map((byte) => (byte > 0 && byte < 0x80 ? byte : 0x5f)));
}

/** Splits an ASCII path into ustar prefix (≤155) and name (≤100, non-empty) at a slash. */
function splitUstarName(bytes: Buffer): { prefix: Buffer; name: Buffer } | undefined {
  for (let i = bytes.indexOf(0x2f); i !== -1 && i <= 155; i = bytes.indexOf(0x2f, i + 1)) {
    const rest = bytes.length - i - 1;
    if (rest > 0 && rest <= 100) return { prefix: bytes.subarray(0, i), name: bytes.subarray(i + 1) };
  }
  return undefined;
}

/**
 * Told where each file's data starts in the tar (offset `start`, `size` bytes), after every byte
 * before it went to the output: a split record (tar-split.ts) can then stand for the data.
 */
export type TarDataListener = (name: string, start: number, size: number) => void;

export class TarWriter {
  private buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;
  /** Bytes of `buffer` before this offset went to the output already. */
  private flushed = 0;
  private readonly hash = createHash("sha256");
  private size = 0;
  /** File data and symlink targets: docker's layer size. */
  private contentSize = 0;

  constructor(private readonly output: TarOutput, private readonly onData?: TarDataListener) {}

  /** Adds one entry; a regular file's `size` bytes of data are read from `fd`. */
  async add(entry: TarWriterEntry, fd?: number): Promise<void> {
    for (const block of this.headerBlocks(entry)) await this.push(block);
    const size = entry.type === "file" ? (entry.size ?? 0) : 0;
    this.contentSize += entry.type === "symlink" ? Buffer.byteLength(entry.linkname ?? "") : size;
    if (size > 0) {
      if (fd === undefined) throw new BerthError("INTERNAL", `no data for ${entry.name}`);
      if (this.onData) {
        await this.flush();
        this.onData(entry.name, this.size, size);
      }
      await this.copyFrom(fd, size, entry.name);
      const padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if (padding > 0) await this.push(ZERO_BLOCKS.subarray(0, padding));
    }
  }

  /** Writes the end-of-archive blocks and flushes; returns the diff_id, tar size and content size. */
  async finish(): Promise<{ diffId: string; size: number; contentSize: number }> {
    await this.push(ZERO_BLOCKS);
    await this.flush();
    return { diffId: formatSha256(this.hash), size: this.size, contentSize: this.contentSize };
  }

  private headerBlocks(entry: TarWriterEntry): Buffer[] {
    const pax: Array<[string, Uint8Array]> = [];
    const fullName = Buffer.from(entry.type === "dir" ? `${entry.name}/` : entry.name);
    let name: Buffer = fullName;
    let prefix: Buffer | undefined;
    if (!isAscii(fullName) || fullName.length > 100) {
      const split = isAscii(fullName) ? splitUstarName(fullName) : undefined;
      if (split) ({ prefix, name } = split);
      else {
        pax.push(["path", fullName]);
        name = asciiPlaceholder(fullName, 100);
      }
    }
    let linkname: Buffer | undefined = entry.linkname === undefined ? undefined : Buffer.from(entry.linkname);
    if (linkname !== undefined && (!isAscii(linkname) || linkname.length > 100)) {
      pax.push(["linkpath", linkname]);
      linkname = asciiPlaceholder(linkname, 100);
    }
    const numeric = (key: string, value: number, max: number) => {
      if (value >= 0 && value <= max && Number.isInteger(value)) return value;
      pax.push([key, Buffer.from(String(value))]);
      return 0;
    };
    const header = encodeHeader({
      name,
      prefix,
      mode: entry.mode & 0o7777,
      uid: numeric("uid", entry.uid, MAX_ID),
      gid: numeric("gid", entry.gid, MAX_ID),
      size: numeric("size", entry.type === "file" ? (entry.size ?? 0) : 0, MAX_SIZE),
      mtime: numeric("mtime", entry.mtime, MAX_SIZE),
      type: entry.type,
      linkname,
      devmajor: entry.devmajor,
      devminor: entry.devminor,
    });
    for (const [key, value] of entry.xattrs ?? []) pax.push([`SCHILY.xattr.${key}`, value]);
    if (pax.length === 0) return [header];
    pax.sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const data = encodePaxRecords(pax);
    const base = fullName.subarray(fullName.lastIndexOf(0x2f, fullName.length - 2) + 1);
    const paxHeader = encodeHeader({
      name: asciiPlaceholder(Buffer.concat([Buffer.from("PaxHeaders.0/"), base]), 100),
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: data.length,
      mtime: 0,
      type: "pax",
    });
    const padding = ZERO_BLOCKS.subarray(0, (BLOCK - (data.length % BLOCK)) % BLOCK);
    return [paxHeader, data, padding, header];
  }

  private async copyFrom(fd: number, size: number, name: string): Promise<void> {
    let position = 0;
    while (position < size) {
      if (this.used === this.buffer.length) await this.flush();
      const want = Math.min(size - position, this.buffer.length - this.used);
      const got = readSync(fd, this.buffer, this.used, want, position);
      if (got === 0) throw new BerthError("CONFLICT", `${name} shrank while it was being archived`);
      this.used += got;
      position += got;
    }
  }

  private async push(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (this.used === this.buffer.length) await this.flush();
      const take = Math.min(data.length - offset, this.buffer.length - this.used);
      this.buffer.set(data.subarray(offset, offset + take), this.used);
      this.used += take;
      offset += take;
    }
  }

  /** Hands the bytes since the last flush to the output; they are never written over (the consumer may keep them). */
  private async flush(): Promise<void> {
    const chunk = this.buffer.subarray(this.flushed, this.used);
    if (this.used === this.buffer.length) {
      this.buffer = Buffer.allocUnsafe(BUFFER_SIZE);
      this.used = 0;
    }
    this.flushed = this.used;
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.size += chunk.length;
    if (typeof this.output === "function") {
      await this.output(chunk);
    } else if (!this.output.write(chunk)) {
      await once(this.output as unknown as NodeJS.EventEmitter, "drain");
    }
  }
}
