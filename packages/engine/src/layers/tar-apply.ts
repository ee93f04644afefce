/*
 * Applying a layer tar into a fresh overlay lowerdir (formats.md §4.3–4.4).
 *
 * Decision, taken once for the foundation: Node has no mknod, mkfifo, xattr calls or in-root
 * path resolution. berth resolves paths inside the root in TypeScript, component by component
 * with lstat and chroot semantics (in-root.ts). That is race-free here because each layer is
 * extracted by one sequential writer into its own fresh staging dir that nothing else touches.
 * For the rest it uses Debian's tools through execa (host-tools.ts): coreutils `mknod` for
 * char/block devices, fifos and overlay whiteouts (c 0 0), and the attr package's
 * `setfattr --restore=-` for xattrs (`getfattr -R` when reading them back). Both are batched:
 * nodes start as empty placeholder files and xattrs are queued, and the end of the stream
 * makes them all with one spawn each. Nothing spawns per regular file.
 *
 * Files are written with synchronous fs calls: one sequential writer gains nothing from the
 * thread pool but a round trip per syscall, and the event loop is held for at most one input
 * chunk's worth of entries. Nothing is fsynced here: commitStaged flushes the finished layer
 * with one syncfs before renaming it into place.
 *
 * The result is overlay's native form, not the tar's AUFS form: `.wh.<name>` becomes a char
 * device 0/0 at <name>, `.wh..wh..opq` the xattr trusted.overlay.opaque=y on its directory.
 *
 * Given a SplitRecorder, the applier tells it where each file's data starts and which file it
 * went to, so the exact tar can later be rebuilt from the directory (tar-split.ts); replacing
 * anything already written abandons the record.
 */
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { resolve } from "node:path";
import { BerthError } from "@berth/core";
import { formatSha256 } from "../storage/sha256.js";
import { openDecompressed } from "./decompress.js";
import { makeSpecialNodes, restoreXattrs, type SpecialNodeOp } from "./host-tools.js";
import { cleanEntryName, RootResolver } from "./in-root.js";
import type { SplitRecorder } from "./tar-split.js";
import type { TarEntry } from "./tar-reader.js";
import { TarReader } from "./tar-reader.js";
import { AUFS_META_PREFIX, isOverlayPrivateXattr, OPAQUE_MARKER, OPAQUE_XATTR, WHITEOUT_PREFIX } from "./whiteouts.js";

export interface ApplyLayerOptions {
  /** Called with the number of uncompressed tar bytes consumed, chunk by chunk. */
  onBytes?(n: number): void;
  /** Records the tar's split record while applying (tar-split.ts); abandoned when it cannot serve. */
  split?: SplitRecorder;
}

export interface ApplyLayerResult {
  /** sha256 of exactly the uncompressed tar bytes, end-of-archive blocks and all. */
  diffId: string;
  /** Bytes of the uncompressed tar. */
  size: number;
  /**
   * Bytes of the extracted content as docker counts a layer's size: regular files plus symlink
   * targets (hardlinks once), what `images` and `history` show.
   */
  contentSize: number;
}

const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Extracts a layer tar (plain, gzip, zstd, xz or bzip2) into `targetDir`, an empty fresh
 * staging dir that becomes one overlay lowerdir. On any error the directory is left half
 * written and the caller must discard it.
 */
export async function applyLayerTar(
  source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  targetDir: string,
  options: ApplyLayerOptions = {},
): Promise<ApplyLayerResult> {
  const root = resolve(targetDir);
  if (root === "/") throw new BerthError("INVALID_ARGUMENT", "refusing to apply a layer onto /");
  const { stream } = await openDecompressed(source);
  const hash = createHash("sha256");
  let size = 0;
  const reader = new TarReader(stream, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
    options.split?.onChunk(chunk);
    options.onBytes?.(chunk.length);
  });
  const applier = new LayerApplier(root, options.split);
  try {
    for (let entry = await reader.next(); entry !== null; entry = await reader.next()) {
      await applier.apply(entry, reader);
    }
  } finally {
    await reader.close();
  }
  await applier.finish();
  return { diffId: formatSha256(hash), size, contentSize: applier.contentSize };
}

interface SpecialNode {
  type: "char" | "block" | "fifo";
  major: number;
  minor: number;
  uid: number;
  gid: number;
  mode: number;
  atime: number;
  mtime: number;
  /** Made from a `.wh.` entry of this layer. */
  isWhiteout: boolean;
}

/** Work queued for the end of the stream, keyed by the inode's primary path. */
interface Deferred {
  node?: SpecialNode;
  xattrs?: Map<string, Uint8Array>;
  /** Other names of the same inode, made by hardlink entries. */
  links: string[];
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function refuse(name: string, reason: string): BerthError {
  return new BerthError("INVALID_ARGUMENT", `refusing layer tar entry ${JSON.stringify(name)}: ${reason}`);
}

function entryFailure(error: unknown, name: string): unknown {
  if (error instanceof BerthError) return error;
  const code = errnoOf(error);
  const message = `applying layer tar entry ${JSON.stringify(name)}: ${(error as Error).message}`;
  return new BerthError(code === "ENOSPC" || code === "EDQUOT" ? "UNAVAILABLE" : "INTERNAL", message, { cause: error });
}

function accessTime(entry: TarEntry): number {
  return Math.max(entry.atime ?? entry.mtime, entry.mtime);
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let offset = 0; offset < data.length; ) offset += writeSync(fd, data, offset, data.length - offset);
}

class LayerApplier {
  private readonly resolver: RootResolver;
  private readonly deferred = new Map<string, Deferred>();
  private readonly linkOwner = new Map<string, string>();
  /** Directory mtimes, restored after the whole stream (creating children changes them). */
  private readonly dirTimes = new Map<string, [atime: number, mtime: number]>();
  /** See ApplyLayerResult.contentSize. */
  contentSize = 0;

  constructor(
    private readonly root: string,
    private readonly split?: SplitRecorder,
  ) {
    this.resolver = new RootResolver(root, { replaceWithDirectory: (path) => this.reviveWhiteout(path) });
  }

  async apply(entry: TarEntry, reader: TarReader): Promise<void> {
    try {
      const rel = cleanEntryName(entry.name);
      if (rel === "") return; // the root itself: Docker skips "."
      if (rel.startsWith(AUFS_META_PREFIX)) return; // AUFS metadata dirs (.wh..wh.plnk/…)
      const slash = rel.lastIndexOf("/");
      const parentRel = slash === -1 ? "" : rel.slice(0, slash);
      const base = rel.slice(slash + 1);
      if (base.startsWith(WHITEOUT_PREFIX)) return this.applyWhiteout(entry, parentRel, base);
      const path = `${this.resolver.resolveDirectory(parentRel, true)}/${base}`;
      switch (entry.type) {
        case "file":
          this.contentSize += entry.size;
          return await this.writeFile(path, entry, reader);
        case "dir":
          return this.makeDirectory(rel, path, entry);
        case "symlink":
          this.contentSize += Buffer.byteLength(entry.linkname);
          return this.makeSymlink(path, entry);
        case "hardlink":
          return this.makeHardlink(path, entry);
        default:
          return this.makeSpecial(path, entry);
      }
    } catch (error) {
      throw entryFailure(error, entry.name);
    }
  }

  private async writeFile(path: string, entry: TarEntry, reader: TarReader): Promise<void> {
    const { value: fd } = this.create(path, () => openSync(path, CREATE_FILE, 0o600));
    try {
      this.split?.file(path.slice(this.root.length + 1), reader.offset, entry.size);
      await reader.readData((slice) => writeAll(fd, slice));
      fchownSync(fd, entry.uid, entry.gid);
      fchmodSync(fd, entry.mode); // after chown, which clears setuid/setgid
      futimesSync(fd, accessTime(entry), entry.mtime);
    } finally {
      closeSync(fd);
    }
    this.deferXattrs(path, entry.xattrs);
  }

  private makeDirectory(rel: string, path: string, entry: TarEntry): void {
    let replacedWhiteout = false;
    try {
      mkdirSync(path, 0o755);
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
      if (!lstatSync(path).isDirectory()) {
        replacedWhiteout = this.replace(path);
        mkdirSync(path, 0o755);
      } // else: directory onto directory merges; only the metadata is replaced
    }
    lchownSync(path, entry.uid, entry.gid);
    chmodSync(path, entry.mode);
    this.dirTimes.set(path, [accessTime(entry), entry.mtime]);
    this.resolver.noteDirectory(rel, path);
    // A whiteout then a directory in one layer: the lower directory is gone, so hide its children.
    if (replacedWhiteout) this.setOpaque(path);
    this.deferXattrs(path, entry.xattrs);
  }

  private makeSymlink(path: string, entry: TarEntry): void {
    if (entry.linkname === "") throw refuse(entry.name, "empty symlink target");
    this.create(path, () => symlinkSync(entry.linkname, path)); // target stored verbatim
    lchownSync(path, entry.uid, entry.gid);
    lutimesSync(path, accessTime(entry), entry.mtime);
    this.deferXattrs(path, entry.xattrs);
  }

  /** Like GNU tar, a hard link takes no metadata of its own: it shares its target's inode. */
  private makeHardlink(path: string, entry: TarEntry): void {
    const targetRel = cleanEntryName(entry.linkname);
    if (targetRel === "") throw refuse(entry.name, "hard link to the layer root");
    const target = this.resolver.resolveParent(targetRel, false);
    const stats = lstatSync(target, { throwIfNoEntry: false });
    if (stats === undefined) throw refuse(entry.name, `hard link target ${JSON.stringify(entry.linkname)} does not exist`);
    if (stats.isDirectory()) throw refuse(entry.name, "hard link to a directory");
    if (target === path) return;
    this.create(path, () => linkSync(target, path));
    const owner = this.deferred.has(target) ? target : this.linkOwner.get(target);
    if (owner !== undefined) {
      this.deferred.get(owner)!.links.push(path);
      this.linkOwner.set(path, owner);
    }
  }

  private makeSpecial(path: string, entry: TarEntry): void {
    this.create(path, () => closeSync(openSync(path, CREATE_FILE, 0o600))); // placeholder until finish()
    const type = entry.type === "char" || entry.type === "block" ? entry.type : "fifo";
    this.deferred.set(path, {
      node: { type, major: entry.devmajor, minor: entry.devminor, uid: entry.uid, gid: entry.gid, mode: entry.mode, atime: accessTime(entry), mtime: entry.mtime, isWhiteout: false },
      links: [],
    });
    this.deferXattrs(path, entry.xattrs);
  }

  private applyWhiteout(entry: TarEntry, parentRel: string, base: string): void {
    if (base.startsWith(AUFS_META_PREFIX)) {
      if (base === OPAQUE_MARKER) this.setOpaque(this.resolver.resolveDirectory(parentRel, true));
      return; // other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) is skipped
    }
    const name = base.slice(WHITEOUT_PREFIX.length);
    if (name === "" || name === "." || name === "..") throw refuse(entry.name, "invalid whiteout name");
    const path = `${this.resolver.resolveDirectory(parentRel, true)}/${name}`;
    const stats = lstatSync(path, { throwIfNoEntry: false });
    if (stats === undefined) {
      closeSync(openSync(path, CREATE_FILE, 0o600));
      this.deferred.set(path, {
        node: { type: "char", major: 0, minor: 0, uid: entry.uid, gid: entry.gid, mode: entry.mode, atime: accessTime(entry), mtime: entry.mtime, isWhiteout: true },
        links: [],
      });
    } else if (stats.isDirectory()) {
      this.setOpaque(path); // a directory of this same layer stays, but lower ones are hidden
    } // any other entry of this layer at that path already hides the lower layers' one
  }

  /** Resolver hook: a whiteout of this layer used as a parent becomes an opaque directory. */
  private reviveWhiteout(path: string): boolean {
    if (this.deferred.get(path)?.node?.isWhiteout !== true) return false;
    this.replace(path);
    mkdirSync(path, 0o755);
    this.setOpaque(path);
    return true;
  }

  private setOpaque(path: string): void {
    this.deferred.set(path, this.deferred.get(path) ?? { links: [] });
    const record = this.deferred.get(path)!;
    (record.xattrs ??= new Map()).set(OPAQUE_XATTR, Buffer.from("y"));
  }

  private deferXattrs(path: string, xattrs: Map<string, Uint8Array>): void {
    const wanted = [...xattrs].filter(([name]) => !isOverlayPrivateXattr(name));
    if (wanted.length === 0) return;
    const owner = this.linkOwner.get(path) ?? path;
    const record = this.deferred.get(owner) ?? { links: [] };
    this.deferred.set(owner, record);
    record.xattrs ??= new Map();
    for (const [name, value] of wanted) record.xattrs.set(name, value);
  }

  /** Runs `make`; if the name is taken, removes what is there and runs it again. */
  private create<T>(path: string, make: () => T): { value: T; replacedWhiteout: boolean } {
    try {
      return { value: make(), replacedWhiteout: false };
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
    }
    const replacedWhiteout = this.replace(path);
    return { value: make(), replacedWhiteout };
  }

  /** Removes what is at `path` (never following it); true if it was a whiteout of this layer. */
  private replace(path: string): boolean {
    this.split?.abandon(); // content written for an earlier entry may be gone now
    const wasWhiteout = this.deferred.get(path)?.node?.isWhiteout === true;
    const isDirectory = lstatSync(path).isDirectory();
    rmSync(path, { recursive: true, force: true });
    this.forget(path, isDirectory);
    this.resolver.invalidate();
    return wasWhiteout;
  }

  /** Drops queued work for a removed path (and everything below it if it was a directory). */
  private forget(path: string, isDirectory: boolean): void {
    if (!isDirectory) {
      this.dropLink(path);
      this.dropPrimary(path);
      return;
    }
    const prefix = `${path}/`;
    const isGone = (p: string) => p === path || p.startsWith(prefix);
    for (const link of [...this.linkOwner.keys()]) if (isGone(link)) this.dropLink(link);
    for (const primary of [...this.deferred.keys()]) if (isGone(primary)) this.dropPrimary(primary);
    for (const dir of [...this.dirTimes.keys()]) if (isGone(dir)) this.dirTimes.delete(dir);
  }

  private dropLink(link: string): void {
    const owner = this.linkOwner.get(link);
    if (owner === undefined) return;
    this.linkOwner.delete(link);
    const record = this.deferred.get(owner)!;
    record.links = record.links.filter((l) => l !== link);
  }

  /** The inode lives on under its next hard link, if any. */
  private dropPrimary(primary: string): void {
    const record = this.deferred.get(primary);
    if (record === undefined) return;
    this.deferred.delete(primary);
    const [next, ...rest] = record.links;
    if (next === undefined) return;
    record.links = rest;
    this.deferred.set(next, record);
    this.linkOwner.delete(next);
    for (const link of rest) this.linkOwner.set(link, next);
  }

  /** Makes the queued nodes and xattrs (one spawn each), then restores directory times. */
  async finish(): Promise<void> {
    const nodes = [...this.deferred].filter(([, record]) => record.node !== undefined);
    const ops: SpecialNodeOp[] = [];
    for (const [path, { node, links }] of nodes) {
      for (const name of [path, ...links]) unlinkSync(name);
      ops.push(node!.type === "fifo" ? { op: "fifo", path } : { op: "node", path, type: node!.type, major: node!.major, minor: node!.minor });
      for (const link of links) ops.push({ op: "link", target: path, path: link });
    }
    await makeSpecialNodes(ops);
    for (const [path, { node }] of nodes) {
      lchownSync(path, node!.uid, node!.gid);
      chmodSync(path, node!.mode);
      lutimesSync(path, node!.atime, node!.mtime);
    }
    // After every chown: chown clears security.capability.
    await restoreXattrs(
      [...this.deferred].flatMap(([path, { xattrs }]) => (xattrs === undefined ? [] : [{ path, xattrs }])),
    );
    for (const [path, [atime, mtime]] of this.dirTimes) lutimesSync(path, atime, mtime);
  }
}
