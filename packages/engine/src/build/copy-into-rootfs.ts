import { chmodSync, copyFileSync, lchownSync, lstatSync, lutimesSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { posix } from "node:path";
import { RootResolver } from "../layers/in-root.js";
import { walkSource, type SourceEntry, type SourceRoot } from "./copy-sources.js";

// Writes ADD/COPY sources into a step's rootfs like docker: a directory's contents go into the
// destination, a file goes to `dest/name` when the destination is a directory (it ends in `/`,
// or there are several sources) and to `dest` otherwise. Every parent is resolved inside the
// rootfs (its symlinks re-rooted, never followed out of it) and the leaf is replaced, never
// written through. Owners are 0:0 unless --chown; modes and mtimes are kept unless --chmod.

export interface CopyOwnership {
  uid: number;
  gid: number;
  /** --chmod, applied to every file and directory copied. */
  mode?: number;
}

function relOf(path: string): string {
  return posix.normalize(path).replace(/^\/+/, "").replace(/\/+$/, "");
}

/** Creates or replaces one entry at `destRel` inside the rootfs. */
function writeEntry(resolver: RootResolver, destRel: string, entry: SourceEntry, owner: CopyOwnership): void {
  const { stats } = entry;
  const mode = owner.mode ?? stats.mode & 0o7777;
  if (stats.isDirectory()) {
    const host = resolver.resolveDirectory(destRel, true);
    chmodSync(host, mode);
    lchownSync(host, owner.uid, owner.gid);
    lutimesSync(host, stats.atime, stats.mtime);
    return;
  }
  const host = resolver.resolveParent(destRel, true);
  const existing = lstatSync(host, { throwIfNoEntry: false });
  if (existing !== undefined) {
    rmSync(host, { recursive: existing.isDirectory(), force: true });
    resolver.invalidate();
  }
  if (stats.isSymbolicLink()) {
    symlinkSync(readlinkSync(entry.host), host);
  } else if (stats.isFile()) {
    copyFileSync(entry.host, host);
    chmodSync(host, mode);
  } else {
    return; // devices, fifos and sockets of a context are not copied
  }
  lchownSync(host, owner.uid, owner.gid);
  lutimesSync(host, stats.atime, stats.mtime);
}

/** Copies `sources` of `root` to `dest` (absolute, inside the rootfs). */
export function copyIntoRootfs(rootfs: string, root: SourceRoot, sources: SourceEntry[], dest: string, owner: CopyOwnership): void {
  const resolver = new RootResolver(rootfs);
  const destRel = relOf(dest);
  const isDestDir = dest.endsWith("/") || sources.length > 1 || isDirectory(resolver, destRel);
  for (const source of sources) {
    if (source.stats.isDirectory()) {
      for (const entry of walkSource(root, source.rel)) {
        const inner = source.rel === "" ? entry.rel : entry.rel.slice(source.rel.length).replace(/^\//, "");
        writeEntry(resolver, inner === "" ? destRel : posix.join(destRel, inner), entry, owner);
      }
      continue;
    }
    writeEntry(resolver, isDestDir ? posix.join(destRel, posix.basename(source.rel)) : destRel, source, owner);
  }
}

function isDirectory(resolver: RootResolver, rel: string): boolean {
  try {
    resolver.resolveDirectory(rel, false);
    return true;
  } catch {
    return false;
  }
}

/** Copies entries of `root` to the same relative paths under `target` (COPY --from's first leg). */
export function copyPreservingPaths(target: string, root: SourceRoot, sources: SourceEntry[]): void {
  const resolver = new RootResolver(target);
  for (const source of sources) {
    const entries = source.stats.isDirectory() ? walkSource(root, source.rel) : [source];
    for (const entry of entries) writeEntry(resolver, entry.rel, entry, { uid: 0, gid: 0 });
  }
}

/** WORKDIR's directory (and its missing parents, 0755 root-owned) inside the rootfs. */
export function makeWorkdir(rootfs: string, dir: string): void {
  new RootResolver(rootfs).resolveDirectory(relOf(dir), true);
}
