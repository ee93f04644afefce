import {
  closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync,
  rmSync, symlinkSync, unlinkSync, writeSync,
} from "node:fs";
import { BerthError } from "@berth/core";
import { lstatAt, openDirectoryAt, pathAt, resolveInRoot } from "./fd-paths.js";
import { makeSpecialNodes } from "./host-tools.js";
import { cleanEntryName } from "./in-root.js";
import { TarReader, type TarEntry } from "./tar-reader.js";

// A tar extracted into a live tree (docker cp's destination: a container's root, or a host
// directory), not a fresh layer dir: existing entries are merged or replaced like docker's
// untar, and every path is resolved inside `rootFd` with fd-paths (symlinks followed by berth
// within the root, each directory opened with O_NOFOLLOW), so neither an entry's name nor a
// symlink the tree's owner planted — even one swapped in during the copy — leads a write out.
// Layer tars keep their own applier (tar-apply.ts: whiteouts, xattrs, a fresh dir nobody else
// writes to).

export interface ExtractOptions {
  /** Each entry's uid/gid ("archive"), the given ids, or the caller's ("caller": no chown). */
  owner: "archive" | "caller" | { uid: number; gid: number };
  /** Renames the archive's first path component (docker cp's rebase); "" puts its contents at the root. */
  rename?: { from: string; to: string };
  /** docker's NoOverwriteDirNonDir: a directory never replaces a non-directory, nor the reverse. */
  noOverwriteDirNonDir?: boolean;
  /** The directory inside the root the entries go to (root-relative, already resolved); "" for the root. */
  under?: string;
}

const CREATE_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const SIMPLE_NAME = /^[^/]+$/;

function failure(error: unknown, name: string): unknown {
  if (error instanceof BerthError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = `extracting ${JSON.stringify(name)}: ${(error as Error).message.replace(/\/proc\/self\/fd\/\d+\/?/g, "")}`;
  return new BerthError(code === "EROFS" || code === "EACCES" || code === "EPERM" ? "PERMISSION_DENIED" : code === "ENOSPC" ? "UNAVAILABLE" : "INTERNAL", message, { cause: error });
}

function renamed(rel: string, rename: ExtractOptions["rename"]): string {
  if (rename === undefined) return rel;
  if (rename.from === ".") return rename.to === "" || rename.to === "." ? rel : rel === "" ? rename.to : `${rename.to}/${rel}`;
  const slash = rel.indexOf("/");
  const first = slash === -1 ? rel : rel.slice(0, slash);
  if (first !== rename.from) return rel;
  const rest = slash === -1 ? "" : rel.slice(slash + 1);
  return rename.to === "" ? rest : rest === "" ? rename.to : `${rename.to}/${rest}`;
}

/** Opens directory `rel` of the root (following symlinks inside it), making missing ones 0755. */
function openDirectoryInRoot(rootFd: number, rel: string): number {
  const found = resolveInRoot(rootFd, rel, true);
  if (found.name === "") return found.parentFd;
  try {
    if (found.stats === undefined) mkdirSync(pathAt(found.parentFd, found.name), 0o755);
    return openDirectoryAt(found.parentFd, found.name);
  } finally {
    closeSync(found.parentFd);
  }
}

class TreeExtractor {
  private readonly dirTimes: Array<[rel: string, mtime: number]> = [];

  constructor(
    private readonly rootFd: number,
    private readonly options: ExtractOptions,
  ) {}

  async apply(entry: TarEntry, reader: TarReader): Promise<void> {
    const name = renamed(cleanEntryName(entry.name), this.options.rename);
    if (name === "") return; // the destination itself keeps its metadata, as in docker
    const rel = this.options.under ? `${this.options.under}/${name}` : name;
    const slash = rel.lastIndexOf("/");
    const dirFd = openDirectoryInRoot(this.rootFd, slash === -1 ? "" : rel.slice(0, slash));
    try {
      await this.create(dirFd, rel.slice(slash + 1), rel, entry, reader);
    } finally {
      closeSync(dirFd);
    }
  }

  finish(): void {
    for (const [rel, mtime] of this.dirTimes.reverse()) {
      const fd = openDirectoryInRoot(this.rootFd, rel);
      try {
        futimesSync(fd, mtime, mtime);
      } finally {
        closeSync(fd);
      }
    }
  }

  private ids(entry: TarEntry): { uid: number; gid: number } | undefined {
    const { owner } = this.options;
    return owner === "caller" ? undefined : owner === "archive" ? { uid: entry.uid, gid: entry.gid } : owner;
  }

  /** Clears `name` for an entry (a directory or not), under docker's overwrite rules; true when a directory stays. */
  private clear(dirFd: number, name: string, rel: string, isDirectory: boolean): boolean {
    const existing = lstatAt(dirFd, name);
    if (existing === undefined) return false;
    if (existing.isDirectory() && isDirectory) return true;
    if (this.options.noOverwriteDirNonDir === true && existing.isDirectory() !== isDirectory) {
      throw new BerthError("INVALID_ARGUMENT", existing.isDirectory()
        ? `cannot overwrite directory "/${rel}" with non-directory "/${rel}"`
        : `cannot overwrite non-directory "/${rel}" with directory "/${rel}"`);
    }
    if (existing.isDirectory()) rmSync(pathAt(dirFd, name), { recursive: true });
    else unlinkSync(pathAt(dirFd, name));
    return false;
  }

  private async create(dirFd: number, name: string, rel: string, entry: TarEntry, reader: TarReader): Promise<void> {
    if (!SIMPLE_NAME.test(name)) throw new BerthError("INVALID_ARGUMENT", `invalid name ${JSON.stringify(entry.name)}`);
    const path = pathAt(dirFd, name);
    const ids = this.ids(entry);
    switch (entry.type) {
      case "dir": {
        if (!this.clear(dirFd, name, rel, true)) mkdirSync(path, 0o755);
        const fd = openDirectoryAt(dirFd, name);
        try {
          if (ids) fchownSync(fd, ids.uid, ids.gid);
          fchmodSync(fd, entry.mode & 0o7777);
        } finally {
          closeSync(fd);
        }
        this.dirTimes.push([rel, entry.mtime]);
        return;
      }
      case "file": {
        this.clear(dirFd, name, rel, false);
        const fd = openSync(path, CREATE_FILE, 0o600);
        try {
          await reader.readData((slice) => {
            for (let offset = 0; offset < slice.length; ) offset += writeSync(fd, slice, offset, slice.length - offset);
          });
          if (ids) fchownSync(fd, ids.uid, ids.gid);
          fchmodSync(fd, entry.mode & 0o7777); // after chown, which clears setuid/setgid
          futimesSync(fd, entry.mtime, entry.mtime);
        } finally {
          closeSync(fd);
        }
        return;
      }
      case "symlink":
        this.clear(dirFd, name, rel, false);
        symlinkSync(entry.linkname, path);
        if (ids) lchownSync(path, ids.uid, ids.gid);
        lutimesSync(path, entry.mtime, entry.mtime);
        return;
      case "hardlink": {
        const linked = renamed(cleanEntryName(entry.linkname), this.options.rename);
        const targetRel = this.options.under ? `${this.options.under}/${linked}` : linked;
        const target = resolveInRoot(this.rootFd, targetRel, false);
        try {
          if (target.stats === undefined || target.stats.isDirectory()) {
            throw new BerthError("INVALID_ARGUMENT", `invalid hard link ${JSON.stringify(entry.name)} -> ${JSON.stringify(entry.linkname)}`);
          }
          this.clear(dirFd, name, rel, false);
          linkSync(pathAt(target.parentFd, target.name), path); // link(2) never follows the source
        } finally {
          closeSync(target.parentFd);
        }
        return;
      }
      default: {
        this.clear(dirFd, name, rel, false);
        const nodePath = `/proc/${process.pid}/fd/${dirFd}/${name}`; // the same directory, seen from the mknod child
        await makeSpecialNodes([entry.type === "fifo"
          ? { op: "fifo", path: nodePath }
          : { op: "node", path: nodePath, type: entry.type === "block" ? "block" : "char", major: entry.devmajor, minor: entry.devminor }]);
        if (ids) lchownSync(path, ids.uid, ids.gid);
      }
    }
  }
}

/** Extracts the tar `source` into the open directory `rootFd` (see ExtractOptions). */
export async function extractTree(source: AsyncIterable<Uint8Array>, rootFd: number, options: ExtractOptions): Promise<void> {
  const reader = new TarReader(source, () => {});
  const extractor = new TreeExtractor(rootFd, options);
  try {
    for (let entry = await reader.next(); entry !== null; entry = await reader.next()) {
      try {
        await extractor.apply(entry, reader);
      } catch (error) {
        throw failure(error, entry.name);
      }
    }
  } finally {
    await reader.close();
  }
  extractor.finish();
}
