import { closeSync, constants, openSync, writeSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { join, posix } from "node:path";
import { BerthError } from "@berth/core";
import { TarReader, type SeekableSource } from "../layers/tar-reader.js";

/** Where one file of an image archive lies: `size` bytes at `offset` of `path`. */
export interface ArchiveFile {
  path: string;
  offset: number;
  size: number;
}

type ArchiveNode = ArchiveFile | { symlink: string } | "dir";

const MAX_SYMLINKS = 40;
const INDEX_CHUNK = 64 * 1024;

/**
 * The names of an image archive, held in memory: nothing of the archive is ever created under
 * its own names, so no name can lead a write anywhere. Every name is untrusted and must stay
 * inside the archive after cleaning; symlinks (docker writes `layer.tar -> ../<id>/layer.tar` for
 * repeated layers) are kept only when relative and inside, and followed here, never by the
 * kernel; devices and the like are ignored. A name below a symlink, or given twice, is refused.
 */
export class ArchiveIndex {
  private readonly nodes = new Map<string, ArchiveNode>();

  has(name: string): boolean {
    return this.nodes.has(name);
  }

  /** The file a name of manifest.json/index.json leads to, symlinks followed inside the archive. */
  resolve(name: string): ArchiveFile {
    let pending = safeArchivePath(name).split("/");
    const resolved: string[] = [];
    for (let hops = 0; pending.length > 0; ) {
      const part = pending.shift()!;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (resolved.pop() === undefined) throw invalidArchive(`${name} points outside the archive`);
        continue;
      }
      const node = this.nodes.get([...resolved, part].join("/"));
      if (node !== undefined && typeof node === "object" && "symlink" in node) {
        if (++hops > MAX_SYMLINKS) throw invalidArchive(`${name}: too many levels of symlinks`);
        pending = [...node.symlink.split("/"), ...pending];
        continue;
      }
      resolved.push(part);
    }
    const node = this.nodes.get(resolved.join("/"));
    if (node === undefined || typeof node !== "object" || !("path" in node)) throw invalidArchive(`archive is missing ${name}`);
    return node;
  }

  add(name: string, node: ArchiveNode): void {
    const clean = safeArchivePath(name);
    const parts = clean.split("/");
    for (let depth = 1; depth < parts.length; depth++) {
      const parent = this.nodes.get(parts.slice(0, depth).join("/"));
      if (parent !== undefined && parent !== "dir") throw invalidArchive(`archive entry ${JSON.stringify(name)} lies under the ${"symlink" in parent ? "symlink" : "file"} ${parts.slice(0, depth).join("/")}`);
    }
    const existing = this.nodes.get(clean);
    if (node === "dir" && (existing === undefined || existing === "dir")) {
      this.nodes.set(clean, node);
      return;
    }
    if (existing !== undefined) throw invalidArchive(`archive entry ${JSON.stringify(name)} appears twice`);
    if (typeof node === "object" && "symlink" in node) {
      if (posix.isAbsolute(node.symlink)) throw invalidArchive(`symlink ${name} points outside the archive`);
      safeArchivePath(posix.join(posix.dirname(clean), node.symlink));
    }
    this.nodes.set(clean, node);
  }
}

/** The whole of a (small) archive file: a config, a manifest. */
export async function readArchiveBytes(file: ArchiveFile): Promise<Buffer> {
  const handle = await open(file.path, "r");
  try {
    const bytes = Buffer.alloc(file.size);
    for (let got = 0; got < file.size; ) {
      const { bytesRead } = await handle.read(bytes, got, file.size - got, file.offset + got);
      if (bytesRead === 0) throw invalidArchive("unexpected end of archive");
      got += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/** Indexes an uncompressed archive file where it is: only headers are read, data stays in place. */
export async function indexArchiveFile(path: string): Promise<ArchiveIndex> {
  const handle = await open(path, "r");
  try {
    return await walkArchive(new PositionedFile(handle), async (reader, size) => ({ path, offset: reader.offset, size }));
  } finally {
    await handle.close();
  }
}

/**
 * Unpacks an archive stream (stdin, a compressed archive) into `dir`: each file's data to its
 * own numbered file, whatever its name.
 */
export async function unpackArchiveStream(source: AsyncIterable<Uint8Array>, dir: string): Promise<ArchiveIndex> {
  let count = 0;
  return walkArchive(source, async (reader, size) => {
    const path = join(dir, String(count++));
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      await reader.readData((slice) => {
        for (let done = 0; done < slice.length; ) done += writeSync(fd, slice, done);
      });
    } finally {
      closeSync(fd);
    }
    return { path, offset: 0, size };
  });
}

async function walkArchive(
  source: AsyncIterable<Uint8Array> | SeekableSource,
  place: (reader: TarReader, size: number) => Promise<ArchiveFile>,
): Promise<ArchiveIndex> {
  const index = new ArchiveIndex();
  const reader = new TarReader(source, () => {});
  try {
    for (let entry = await readerStep(() => reader.next()); entry !== null; entry = await readerStep(() => reader.next())) {
      if (entry.type === "dir") index.add(entry.name, "dir");
      else if (entry.type === "symlink") index.add(entry.name, { symlink: entry.linkname });
      else if (entry.type === "file") index.add(entry.name, await readerStep(() => place(reader, entry.size)));
    }
  } finally {
    await reader.close();
  }
  return index;
}

async function readerStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof BerthError && error.message.startsWith("invalid image archive")) throw error;
    throw invalidArchive(`unexpected end of archive or invalid tar: ${(error as Error).message}`);
  }
}

/** A file read by position, 64 KiB at a time, that TarReader can skip through. */
class PositionedFile implements SeekableSource {
  private position = 0;

  constructor(private readonly handle: FileHandle) {}

  skip(bytes: number): void {
    this.position += bytes;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (;;) {
      const buffer = Buffer.allocUnsafe(INDEX_CHUNK);
      const { bytesRead } = await this.handle.read(buffer, 0, INDEX_CHUNK, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  }
}

export function safeArchivePath(name: string): string {
  const cleaned = posix.normalize(name.replace(/^\.\/+/, "")).replace(/\/+$/, "");
  if (posix.isAbsolute(cleaned) || cleaned === ".." || cleaned.startsWith("../")) {
    throw invalidArchive(`archive entry ${JSON.stringify(name)} points outside the archive`);
  }
  return cleaned;
}

export function invalidArchive(message: string): BerthError {
  return new BerthError("DATA_CORRUPTED", `invalid image archive: ${message}`);
}
