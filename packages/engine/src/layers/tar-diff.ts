import { closeSync, constants, fstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { resolve } from "node:path";
import { BerthError } from "@berth/core";
import { lstatAt, openDirectory, openDirectoryAt, openInTree, pathAt } from "./fd-paths.js";
import { dumpXattrs } from "./host-tools.js";
import { TarWriter, type TarDataListener, type TarOutput, type TarWriterEntry } from "./tar-writer.js";
import { isOverlayPrivateXattr, OPAQUE_MARKER, OPAQUE_XATTR, WHITEOUT_PREFIX } from "./whiteouts.js";

// An overlay upperdir back to a canonical layer tar (formats.md §4.2, Docker's conversion):
// char device 0/0 → empty `.wh.<name>` (0600); a directory with trusted.overlay.opaque=y → the
// directory, then `<dir>/.wh..wh..opq`; other xattrs as SCHILY PAX records; hard links inside
// the tree as type-1 entries. Deterministic: entries sorted by path bytes, whole-second mtimes,
// no atime/ctime or user names, so the same tree always gives the same bytes and diff_id.
// Walking the upperdir is only valid with overlay redirect_dir and metacopy off, which
// overlay.ts always sets for writable mounts; their xattrs are refused here. The same walk and
// entries make plain tree tars (export, cp): no whiteout conversion, names under a prefix.

/** One entry of a tree, read without following symlinks; `linkname` for symlinks. */
export interface TreeNode {
  rel: string;
  stats: Stats;
  linkname?: string;
}

const UNSUPPORTED_OVERLAY_XATTRS = ["trusted.overlay.redirect", "trusted.overlay.metacopy"];

/**
 * Every entry below the open directory `rootFd`, sorted by path bytes. Each directory is opened
 * relative to its parent with O_NOFOLLOW (fd-paths.ts), so a tree whose owner swaps a directory
 * for a symlink meanwhile can never make the walk list or stat anything outside it. With
 * `oneFileSystem`, a directory on another device (a mount point) is listed but not entered.
 */
export function walkTree(rootFd: number, options: { oneFileSystem?: boolean } = {}): TreeNode[] {
  const nodes: Array<TreeNode & { key: Buffer }> = [];
  const rootDevice = fstatSync(rootFd).dev;
  const visit = (dirFd: number, dir: string): void => {
    for (const name of readdirSync(pathAt(dirFd))) {
      const rel = dir === "" ? name : `${dir}/${name}`;
      const stats = lstatAt(dirFd, name);
      if (stats === undefined) continue; // removed meanwhile
      nodes.push({ rel, stats, key: Buffer.from(rel), ...(stats.isSymbolicLink() ? { linkname: readlinkSync(pathAt(dirFd, name)) } : {}) });
      if (!stats.isDirectory() || (options.oneFileSystem === true && stats.dev !== rootDevice)) continue;
      const fd = openDirectoryAt(dirFd, name);
      try {
        visit(fd, rel);
      } finally {
        closeSync(fd);
      }
    }
  };
  visit(rootFd, "");
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
 * its diff_id, hashed while writing, its size and its content size; `onData` hears where each
 * file's data starts.
 */
export async function writeLayerTarFromUpper(
  upperDir: string,
  output: TarOutput,
  onData?: TarDataListener,
): Promise<{ diffId: string; size: number; contentSize: number }> {
  const root = resolve(upperDir);
  const xattrsByPath = await dumpXattrs(root);
  const writer = new TarWriter(output, onData);
  const rootFd = openDirectory(root);
  try {
    await writeTree(writer, rootFd, { layer: true, xattrs: (rel) => xattrsByPath.get(`${root}/${rel}`) });
  } finally {
    closeSync(rootFd);
  }
  return writer.finish();
}

export interface TreeTarOptions {
  /** An overlay upperdir: whiteouts and opaque dirs become their tar form, xattrs are kept. */
  layer?: boolean;
  /** All of a node's xattrs (layer tars). */
  xattrs?: (rel: string) => Map<string, Buffer> | undefined;
  /** Entry names start with `<prefix>/`, and the root itself is an entry named `prefix` (docker cp's rebase). */
  prefix?: string;
  /** Directories on another device (mount points) are written empty. */
  oneFileSystem?: boolean;
}

/** Writes the tree below the open directory `rootFd` to `writer` (which is not finished). */
export async function writeTree(writer: TarWriter, rootFd: number, options: TreeTarOptions = {}): Promise<void> {
  const nodes = walkTree(rootFd, { oneFileSystem: options.oneFileSystem === true });
  const prefix = options.prefix === undefined || options.prefix === "" ? "" : `${options.prefix}/`;
  if (prefix !== "") await writeNode(writer, rootFd, { rel: "", stats: fstatSync(rootFd) }, options.prefix!, new Map());
  const firstNameOfInode = new Map<string, string>();
  for (const node of nodes) {
    const { rel, stats } = node;
    if (options.layer === true && stats.isCharacterDevice() && stats.rdev === 0) {
      // An overlay whiteout (the kernel may share one inode between several: never a hard link).
      await writer.add({ ...commonFields(stats), name: `${prefix}${parentPrefix(rel)}${WHITEOUT_PREFIX}${baseName(rel)}`, type: "file", mode: 0o600, size: 0 });
      continue;
    }
    const all = options.xattrs?.(rel);
    const xattrs = layerXattrs(rel, all);
    if (stats.isDirectory()) {
      await writer.add({ ...commonFields(stats), name: `${prefix}${rel}`, type: "dir", xattrs });
      if (options.layer === true && all?.get(OPAQUE_XATTR)?.toString() === "y") {
        await writer.add({ ...commonFields(stats), name: `${prefix}${rel}/${OPAQUE_MARKER}`, type: "file", size: 0 });
      }
      continue;
    }
    await writeNode(writer, rootFd, node, `${prefix}${rel}`, xattrs, firstNameOfInode);
  }
}

function commonFields(stats: Stats): Pick<TarWriterEntry, "mode" | "uid" | "gid" | "mtime"> {
  return { mode: stats.mode & 0o7777, uid: stats.uid, gid: stats.gid, mtime: Math.floor(stats.mtimeMs / 1000) };
}

/**
 * Writes one node of the tree at `rootFd` as entry `name`; a file's data is read through a
 * descriptor opened without following any symlink. `firstNameOfInode` turns later names of a
 * multiply-linked inode into hard links.
 */
export async function writeNode(
  writer: TarWriter,
  rootFd: number,
  node: TreeNode,
  name: string,
  xattrs: Map<string, Uint8Array>,
  firstNameOfInode?: Map<string, string>,
): Promise<void> {
  const { rel, stats } = node;
  if (stats.nlink > 1 && !stats.isDirectory() && firstNameOfInode !== undefined) {
    const inode = `${stats.dev}:${stats.ino}`;
    const first = firstNameOfInode.get(inode);
    if (first !== undefined) {
      await writer.add({ ...commonFields(stats), name, type: "hardlink", linkname: first });
      return;
    }
    firstNameOfInode.set(inode, name);
  }
  const entry = nodeEntry(name, node, xattrs);
  if (entry === undefined) return;
  if (entry.type !== "file" || stats.size === 0) {
    await writer.add(entry);
    return;
  }
  const fd = openInTree(rootFd, rel, constants.O_RDONLY);
  try {
    await writer.add(entry, fd);
  } finally {
    closeSync(fd);
  }
}

function nodeEntry(name: string, node: TreeNode, xattrs: Map<string, Uint8Array>): TarWriterEntry | undefined {
  const { stats } = node;
  const entry = { ...commonFields(stats), name, xattrs };
  if (stats.isDirectory()) return { ...entry, type: "dir" };
  if (stats.isFile()) return { ...entry, type: "file", size: stats.size };
  if (stats.isSymbolicLink()) return { ...entry, type: "symlink", linkname: node.linkname ?? "" };
  if (stats.isFIFO()) return { ...entry, type: "fifo" };
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    // glibc's dev_t layout: 12 bits of major and 20 of minor, split across the word.
    const major = Math.floor(stats.rdev / 256) & 0xfff | (Math.floor(stats.rdev / 2 ** 32) & ~0xfff);
    const minor = (stats.rdev & 0xff) | (Math.floor(stats.rdev / 4096) & ~0xff);
    return { ...entry, type: stats.isCharacterDevice() ? "char" : "block", devmajor: major, devminor: minor };
  }
  return undefined; // sockets are not archived, as in Docker
}
