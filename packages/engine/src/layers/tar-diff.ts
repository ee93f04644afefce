import { closeSync, constants, lstatSync, openSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { resolve } from "node:path";
import { BerthError } from "@berth/core";
import { dumpXattrs } from "./host-tools.js";
import { TarWriter, type TarOutput, type TarWriterEntry } from "./tar-writer.js";
import { isOverlayPrivateXattr, OPAQUE_MARKER, OPAQUE_XATTR, WHITEOUT_PREFIX } from "./whiteouts.js";

// An overlay upperdir back to a canonical layer tar (formats.md §4.2, Docker's conversion):
// char device 0/0 → empty `.wh.<name>` (0600); a directory with trusted.overlay.opaque=y → the
// directory, then `<dir>/.wh..wh..opq`; other xattrs as SCHILY PAX records; hard links inside
// the tree as type-1 entries. Deterministic: entries sorted by path bytes, whole-second mtimes,
// no atime/ctime or user names, so the same tree always gives the same bytes and diff_id.
// Walking the upperdir is only valid with overlay redirect_dir and metacopy off, which
// overlay.ts always sets for writable mounts; their xattrs are refused here.

interface Node {
  rel: string;
  path: string;
  stats: Stats;
  key: Buffer;
}

const UNSUPPORTED_OVERLAY_XATTRS = ["trusted.overlay.redirect", "trusted.overlay.metacopy"];

function walk(root: string): Node[] {
  const nodes: Node[] = [];
  const dirs = [""];
  while (dirs.length > 0) {
    const dir = dirs.pop()!;
    for (const name of readdirSync(dir === "" ? root : `${root}/${dir}`)) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      const path = `${root}/${rel}`;
      const stats = lstatSync(path);
      nodes.push({ rel, path, stats, key: Buffer.from(rel) });
      if (stats.isDirectory()) dirs.push(rel);
    }
  }
  return nodes.sort((a, b) => Buffer.compare(a.key, b.key));
}

/** Docker writes file capabilities as v2: a v3 value (with a root uid) loses its rootid. */
function toCapabilityV2(value: Buffer): Buffer {
  if (value.length !== 24 || value.readUInt32LE(0) >>> 24 !== 3) return value;
  const v2 = Buffer.from(value.subarray(0, 20));
  v2.writeUInt32LE(((2 << 24) | (value.readUInt32LE(0) & 0xffffff)) >>> 0, 0);
  return v2;
}

function layerXattrs(path: string, all: Map<string, Buffer> | undefined): Map<string, Uint8Array> {
  const kept = new Map<string, Uint8Array>();
  for (const [name, value] of all ?? []) {
    if (UNSUPPORTED_OVERLAY_XATTRS.includes(name)) {
      throw new BerthError("INTERNAL", `${path} carries ${name}: the upper dir needs overlay redirect_dir/metacopy off`);
    }
    if (!isOverlayPrivateXattr(name)) kept.set(name, name === "security.capability" ? toCapabilityV2(value) : value);
  }
  return kept;
}

function parentPrefix(rel: string): string {
  return rel.slice(0, rel.lastIndexOf("/") + 1);
}

function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf("/") + 1);
}

/**
 * Writes the layer tar of an overlay upperdir to `output` (which is not ended) and returns
 * its diff_id, hashed while writing, and size.
 */
export async function writeLayerTarFromUpper(
  upperDir: string,
  output: TarOutput,
): Promise<{ diffId: string; size: number }> {
  const root = resolve(upperDir);
  const xattrsByPath = await dumpXattrs(root);
  const writer = new TarWriter(output);
  const firstNameOfInode = new Map<string, string>();
  for (const { rel, path, stats } of walk(root)) {
    const common = {
      mode: stats.mode & 0o7777,
      uid: stats.uid,
      gid: stats.gid,
      mtime: Math.floor(stats.mtimeMs / 1000),
    };
    if (stats.isCharacterDevice() && stats.rdev === 0) {
      // An overlay whiteout (the kernel may share one inode between several: never a hard link).
      await writer.add({ ...common, name: `${parentPrefix(rel)}${WHITEOUT_PREFIX}${baseName(rel)}`, type: "file", mode: 0o600, size: 0 });
      continue;
    }
    const all = xattrsByPath.get(path);
    const xattrs = layerXattrs(path, all);
    if (stats.isDirectory()) {
      await writer.add({ ...common, name: rel, type: "dir", xattrs });
      if (all?.get(OPAQUE_XATTR)?.toString() === "y") {
        await writer.add({ ...common, name: `${rel}/${OPAQUE_MARKER}`, type: "file", size: 0 });
      }
      continue;
    }
    if (stats.nlink > 1) {
      const inode = `${stats.dev}:${stats.ino}`;
      const first = firstNameOfInode.get(inode);
      if (first !== undefined) {
        await writer.add({ ...common, name: rel, type: "hardlink", linkname: first });
        continue;
      }
      firstNameOfInode.set(inode, rel);
    }
    const entry = nodeEntry(rel, path, stats, common, xattrs);
    if (entry === undefined) continue;
    if (entry.type !== "file" || stats.size === 0) {
      await writer.add(entry);
      continue;
    }
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      await writer.add(entry, fd);
    } finally {
      closeSync(fd);
    }
  }
  return writer.finish();
}

function nodeEntry(
  rel: string,
  path: string,
  stats: Stats,
  common: Pick<TarWriterEntry, "mode" | "uid" | "gid" | "mtime">,
  xattrs: Map<string, Uint8Array>,
): TarWriterEntry | undefined {
  const entry = { ...common, name: rel, xattrs };
  if (stats.isFile()) return { ...entry, type: "file", size: stats.size };
  if (stats.isSymbolicLink()) return { ...entry, type: "symlink", linkname: readlinkSync(path) };
  if (stats.isFIFO()) return { ...entry, type: "fifo" };
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    // glibc's dev_t layout: 12 bits of major and 20 of minor, split across the word.
    const major = Math.floor(stats.rdev / 256) & 0xfff | (Math.floor(stats.rdev / 2 ** 32) & ~0xfff);
    const minor = (stats.rdev & 0xff) | (Math.floor(stats.rdev / 4096) & ~0xff);
    return { ...entry, type: stats.isCharacterDevice() ? "char" : "block", devmajor: major, devminor: minor };
  }
  return undefined; // sockets are not archived, as in Docker
}
