import { BerthError } from "@berth/core";

// The parts of the POSIX tar format (ustar + PAX, plus GNU long names) that layer tars use.
// Our own reader and writer rather than tar-stream's: tar-stream decodes PAX values as UTF-8,
// which corrupts binary xattrs such as security.capability, and cannot write them.

export const BLOCK = 512;

export type EntryType = "file" | "hardlink" | "symlink" | "char" | "block" | "dir" | "fifo";

/** One raw ustar/GNU/v7 header block, before PAX and GNU long-name records are applied. */
export interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
  devmajor: number;
  devminor: number;
}

const TYPEFLAGS: Record<string, EntryType> = {
  "0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "dir",
  "6": "fifo",
};

export function entryTypeOf(typeflag: string, name: string): EntryType | undefined {
  // v7 tars mark directories only by a trailing slash on a type-\0 entry.
  if (typeflag === "\0") return name.endsWith("/") ? "dir" : "file";
  return TYPEFLAGS[typeflag];
}

/** Header-only types: no data follows whatever the size field says (as Go's archive/tar). */
export function hasData(type: EntryType): boolean {
  return type === "file";
}

const decoder = new TextDecoder("utf-8");

function invalid(detail: string): BerthError {
  return new BerthError("DATA_CORRUPTED", `invalid tar header: ${detail}`);
}

function cString(block: Uint8Array, offset: number, length: number): Uint8Array {
  const end = block.indexOf(0, offset);
  return block.subarray(offset, end === -1 || end > offset + length ? offset + length : end);
}

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function parseNumber(block: Uint8Array, offset: number, length: number, field: string): number {
  const bytes = block.subarray(offset, offset + length);
  if ((bytes[0] ?? 0) & 0x80) {
    // GNU base-256: only positive values make sense in a layer.
    if (bytes[0] !== 0x80) throw invalid(`negative or oversized ${field}`);
    let value = 0;
    for (const byte of bytes.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw invalid(`oversized ${field}`);
    return value;
  }
  let value = 0;
  let i = 0;
  while (i < bytes.length && bytes[i] === 0x20) i++;
  for (; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    if (byte === 0 || byte === 0x20) break;
    if (byte < 0x30 || byte > 0x37) throw invalid(`bad ${field} field`);
    value = value * 8 + (byte - 0x30);
  }
  for (; i < bytes.length; i++) {
    if (bytes[i] !== 0 && bytes[i] !== 0x20) throw invalid(`bad ${field} field`);
  }
  return value;
}

export function isZeroBlock(block: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function checksums(block: Uint8Array): [unsigned: number, signed: number] {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return [unsigned, signed];
}

/** Decodes one non-zero header block; throws DATA_CORRUPTED when it is not a tar header. */
export function decodeHeader(block: Uint8Array): RawHeader {
  const stored = parseNumber(block, 148, 8, "checksum");
  const [unsigned, signed] = checksums(block);
  if (stored !== unsigned && stored !== signed) throw invalid("checksum mismatch");
  const magic = decodeText(block.subarray(257, 263));
  let name = decodeText(cString(block, 0, 100));
  if (magic === "ustar\0") {
    const prefix = decodeText(cString(block, 345, 155));
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: parseNumber(block, 100, 8, "mode"),
    uid: parseNumber(block, 108, 8, "uid"),
    gid: parseNumber(block, 116, 8, "gid"),
    size: parseNumber(block, 124, 12, "size"),
    mtime: parseNumber(block, 136, 12, "mtime"),
    typeflag: String.fromCharCode(block[156] ?? 0),
    linkname: decodeText(cString(block, 157, 100)),
    devmajor: parseNumber(block, 329, 8, "devmajor"),
    devminor: parseNumber(block, 337, 8, "devminor"),
  };
}

/** Parses PAX records (`<len> <key>=<value>\n`); values stay bytes (xattrs are binary). */
export function parsePaxRecords(data: Uint8Array): Map<string, Uint8Array> {
  const records = new Map<string, Uint8Array>();
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] === 0) break; // NUL padding after the last record
    const space = data.indexOf(0x20, offset);
    const length = space === -1 ? NaN : Number(decodeText(data.subarray(offset, space)));
    if (!Number.isSafeInteger(length) || length <= space - offset + 1 || offset + length > data.length) {
      throw invalid("bad PAX record length");
    }
    const record = data.subarray(space + 1, offset + length);
    const equals = record.indexOf(0x3d);
    if (equals <= 0 || record[record.length - 1] !== 0x0a) throw invalid("bad PAX record");
    records.set(decodeText(record.subarray(0, equals)), Uint8Array.from(record.subarray(equals + 1, record.length - 1)));
    offset += length;
  }
  return records;
}

export function encodePaxRecords(records: ReadonlyArray<[key: string, value: Uint8Array]>): Buffer {
  const parts = records.map(([key, value]) => {
    const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from("\n")]);
    // The length counts its own digits: one more digit may be needed once they are added.
    let digits = String(body.length).length;
    if (String(body.length + digits).length > digits) digits++;
    const length = body.length + digits;
    return Buffer.concat([Buffer.from(String(length)), body]);
  });
  return Buffer.concat(parts);
}

const TYPEFLAG_OF: Record<EntryType | "pax", string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  char: "3",
  block: "4",
  dir: "5",
  fifo: "6",
  pax: "x",
};

export interface HeaderFields {
  /** Bytes of the name for the ustar fields (already split or truncated by the caller). */
  name: Uint8Array;
  prefix?: Uint8Array;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  type: EntryType | "pax";
  linkname?: Uint8Array;
  devmajor?: number;
  devminor?: number;
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  block.write(value.toString(8).padStart(length - 1, "0"), offset, length - 1, "latin1");
}

/** Encodes one ustar header block; numbers must already fit their octal fields. */
export function encodeHeader(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.set(fields.name.subarray(0, 100), 0);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, fields.uid);
  writeOctal(block, 116, 8, fields.gid);
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.write(TYPEFLAG_OF[fields.type], 156, "latin1");
  if (fields.linkname) block.set(fields.linkname.subarray(0, 100), 157);
  block.write("ustar\u000000", 257, "latin1");
  writeOctal(block, 329, 8, fields.devmajor ?? 0);
  writeOctal(block, 337, 8, fields.devminor ?? 0);
  if (fields.prefix) block.set(fields.prefix.subarray(0, 155), 345);
  block.fill(0x20, 148, 156);
  const [sum] = checksums(block);
  block.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, "latin1");
  return block;
}
