import { BerthError } from "@berth/core";
import {
  BLOCK,
  decodeHeader,
  decodeText,
  entryTypeOf,
  hasData,
  isZeroBlock,
  parsePaxRecords,
  type EntryType,
} from "./tar-format.js";

/** One tar entry with PAX and GNU long-name records applied. */
export interface TarEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Bytes of data that follow (0 for header-only types). */
  size: number;
  /** Seconds, fractional when a PAX record says so. */
  mtime: number;
  atime: number | undefined;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** From `SCHILY.xattr.<name>` PAX records; values are raw bytes. */
  xattrs: Map<string, Uint8Array>;
}

const MAX_META_SIZE = 8 << 20;
const XATTR_PREFIX = "SCHILY.xattr.";

/**
 * A source that can jump over bytes instead of reading them (a file read by position): the
 * reader skips entry data through it, so those bytes never pass `onChunk`. For indexing only.
 */
export interface SeekableSource extends AsyncIterable<Uint8Array> {
  skip(bytes: number): void;
}

function truncated(): BerthError {
  return new BerthError("DATA_CORRUPTED", "unexpected end of layer tar");
}

/**
 * Pull-based tar reader. Every byte of the source, including the end-of-archive blocks and
 * anything after them, passes through `onChunk` exactly once and in order, so a hash taken
 * there is the diff_id. Reaching the end requires an end-of-archive (zero) block: a stream
 * that stops without one is reported as truncated, never as a complete layer.
 */
export class TarReader {
  private readonly iterator: AsyncIterator<Uint8Array | string>;
  private chunk: Uint8Array = new Uint8Array(0);
  private pos = 0;
  /** Stream offset of the current chunk's first byte. */
  private chunkStart = 0;
  /** Data bytes (plus padding) of the current entry not yet consumed. */
  private pendingData = 0;
  private pendingPadding = 0;
  private finished = false;
  private readonly seekable: SeekableSource | undefined;

  constructor(
    source: AsyncIterable<Uint8Array | string> | SeekableSource,
    private readonly onChunk: (chunk: Uint8Array) => void,
  ) {
    this.iterator = source[Symbol.asyncIterator]();
    this.seekable = "skip" in source ? source : undefined;
  }

  /** Next entry, or null after the end-of-archive marker once the whole source is consumed. */
  async next(): Promise<TarEntry | null> {
    if (this.finished) return null;
    await this.skip(this.pendingData + this.pendingPadding);
    this.pendingData = this.pendingPadding = 0;
    let pax = new Map<string, Uint8Array>();
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const block = await this.readExact(BLOCK);
      if (isZeroBlock(block)) {
        await this.drain();
        this.finished = true;
        return null;
      }
      const header = decodeHeader(block);
      switch (header.typeflag) {
        case "x":
          pax = new Map([...pax, ...parsePaxRecords(await this.readMeta(header.size))]);
          continue;
        case "g":
          await this.readMeta(header.size); // global PAX headers are ignored, as Docker does
          continue;
        case "L":
          longName = cStringOf(await this.readMeta(header.size));
          continue;
        case "K":
          longLink = cStringOf(await this.readMeta(header.size));
          continue;
      }
      const name = textRecord(pax, "path") ?? longName ?? header.name;
      const type = entryTypeOf(header.typeflag, name);
      if (type === undefined) {
        throw new BerthError("INVALID_ARGUMENT", `unsupported tar entry type ${JSON.stringify(header.typeflag)} for ${JSON.stringify(name)}`);
      }
      const size = hasData(type) ? (numberRecord(pax, "size") ?? header.size) : 0;
      const xattrs = new Map<string, Uint8Array>();
      for (const [key, value] of pax) {
        if (key.startsWith(XATTR_PREFIX) && key.length > XATTR_PREFIX.length) xattrs.set(key.slice(XATTR_PREFIX.length), value);
      }
      this.pendingData = size;
      this.pendingPadding = (BLOCK - (size % BLOCK)) % BLOCK;
      return {
        name,
        type,
        mode: header.mode & 0o7777,
        uid: numberRecord(pax, "uid") ?? header.uid,
        gid: numberRecord(pax, "gid") ?? header.gid,
        size,
        mtime: numberRecord(pax, "mtime") ?? header.mtime,
        atime: numberRecord(pax, "atime"),
        linkname: textRecord(pax, "linkpath") ?? longLink ?? header.linkname,
        devmajor: header.devmajor,
        devminor: header.devminor,
        xattrs,
      };
    }
  }

  /**
   * Streams the current entry's data to `sink` in slices of the source chunks (no copies).
   * A slice is only valid during the call.
   */
  async readData(sink: (slice: Uint8Array) => void): Promise<void> {
    while (this.pendingData > 0) {
      if (this.pos >= this.chunk.length && !(await this.fill())) throw truncated();
      const take = Math.min(this.pendingData, this.chunk.length - this.pos);
      sink(this.chunk.subarray(this.pos, this.pos + take));
      this.pos += take;
      this.pendingData -= take;
    }
  }

  /** Bytes of the source consumed so far: at an entry's readData, where its data starts. */
  get offset(): number {
    return this.chunkStart + this.pos;
  }

  /** Stops reading: lets the source release its resources (kills a decompressor, closes a file). */
  async close(): Promise<void> {
    await this.iterator.return?.();
  }

  private async fill(): Promise<boolean> {
    while (this.pos >= this.chunk.length) {
      const result = await this.iterator.next();
      if (result.done) return false;
      if (typeof result.value === "string") throw new BerthError("INVALID_ARGUMENT", "layer tar stream must yield bytes");
      this.onChunk(result.value);
      this.chunkStart += this.chunk.length;
      this.chunk = result.value;
      this.pos = 0;
    }
    return true;
  }

  private async readExact(length: number): Promise<Uint8Array> {
    if (this.pos + length <= this.chunk.length) {
      this.pos += length;
      return this.chunk.subarray(this.pos - length, this.pos);
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (this.pos >= this.chunk.length && !(await this.fill())) throw truncated();
      const take = Math.min(length - filled, this.chunk.length - this.pos);
      out.set(this.chunk.subarray(this.pos, this.pos + take), filled);
      this.pos += take;
      filled += take;
    }
    return out;
  }

  private async readMeta(size: number): Promise<Uint8Array> {
    if (size > MAX_META_SIZE) throw new BerthError("DATA_CORRUPTED", `invalid tar header: ${size}-byte metadata record`);
    const data = Uint8Array.from(await this.readExact(size));
    await this.skip((BLOCK - (size % BLOCK)) % BLOCK);
    return data;
  }

  private async skip(length: number): Promise<void> {
    while (length > 0) {
      if (this.pos >= this.chunk.length && this.seekable) {
        this.seekable.skip(length);
        this.chunkStart += this.chunk.length + length;
        this.chunk = new Uint8Array(0);
        this.pos = 0;
        return;
      }
      if (this.pos >= this.chunk.length && !(await this.fill())) throw truncated();
      const take = Math.min(length, this.chunk.length - this.pos);
      this.pos += take;
      length -= take;
    }
  }

  private async drain(): Promise<void> {
    this.pos = this.chunk.length;
    while (await this.fill()) this.pos = this.chunk.length;
  }
}

function cStringOf(data: Uint8Array): string {
  const end = data.indexOf(0);
  return decodeText(end === -1 ? data : data.subarray(0, end));
}

function textRecord(pax: Map<string, Uint8Array>, key: string): string | undefined {
  const value = pax.get(key);
  return value === undefined ? undefined : decodeText(value);
}

/** size/uid/gid are non-negative integers; mtime/atime may be fractional or before 1970. */
function numberRecord(pax: Map<string, Uint8Array>, key: string): number | undefined {
  const text = textRecord(pax, key);
  if (text === undefined) return undefined;
  const value = Number(text);
  const isTime = key === "mtime" || key === "atime";
  if (!/^-?[0-9]+(\.[0-9]*)?$/.test(text) || (!isTime && (!Number.isSafeInteger(value) || value < 0))) {
    throw new BerthError("DATA_CORRUPTED", `invalid tar header: PAX ${key}=${JSON.stringify(text.slice(0, 40))}`);
  }
  return value;
}
