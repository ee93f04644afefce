import { BerthError, invalidArgument } from "../errors.js";

// docker cp's rules, shared by both directions: which side is the container (`CONTAINER:PATH`),
// and where an archive of the source goes given what the destination is (docker's archive
// CopyInfo / PrepareArchiveCopy): into an existing directory as is, else into the destination's
// parent with the source's base name renamed to the destination's.

export interface CopyArg {
  /** undefined for a local path (or `-`). */
  container?: string;
  path: string;
}

/** docker's splitCpArg: an absolute path, or one whose part before `:` starts with `.`, is local. */
export function splitCopyArg(arg: string): CopyArg {
  if (arg.startsWith("/")) return { path: arg };
  const colon = arg.indexOf(":");
  if (colon === -1 || arg.startsWith(".")) return { path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

/** The source and destination of a `cp`; throws docker's texts when neither or both are containers. */
export function parseCopyArgs(source: string, destination: string): { source: CopyArg; destination: CopyArg } {
  const src = splitCopyArg(source);
  const dst = splitCopyArg(destination);
  if (src.container === undefined && dst.container === undefined) throw invalidArgument("must specify at least one container source");
  if (src.container !== undefined && dst.container !== undefined) throw invalidArgument("copying between containers is not supported");
  if (src.container === "" || dst.container === "") throw invalidArgument("must specify at least one container source");
  return { source: src, destination: dst };
}

/** A path ends in a separator or `/.`: it must be (or name the contents of) a directory. */
export function assertsDirectory(path: string): boolean {
  return path.endsWith("/") || path.endsWith("/.") || path === ".";
}

/** The last element, keeping a trailing `.` (`/a/b/.` → `.`), as archive's SplitPathDirEntry. */
export function copyBaseName(path: string): string {
  if (path.endsWith("/.") || path === ".") return ".";
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash === -1) return ".";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}

export interface CopySource {
  path: string;
  isDirectory: boolean;
  /** With -L: the name the followed link had, which the copy keeps. */
  rebaseName?: string;
}

export interface CopyDestination {
  path: string;
  exists: boolean;
  isDirectory: boolean;
}

export interface CopyPlan {
  /** The directory the archive is extracted into. */
  dir: string;
  /** The archive's first path component renamed (docker's RebaseArchiveEntries), if needed. */
  rename?: { from: string; to: string };
}

/** docker's PrepareArchiveCopy; throws `cannot copy directory` and `no such directory` like it. */
export function planArchiveCopy(source: CopySource, destination: CopyDestination): CopyPlan {
  const sourceBase = source.rebaseName ?? copyBaseName(source.path);
  const rename = { from: copyBaseName(source.path), to: copyBaseName(destination.path) };
  if (destination.exists && destination.isDirectory) {
    return source.rebaseName === undefined ? { dir: destination.path } : { dir: destination.path, rename: { from: rename.from, to: sourceBase } };
  }
  if (destination.exists && source.isDirectory) throw new BerthError("INVALID_ARGUMENT", "cannot copy directory");
  if (!destination.exists && !source.isDirectory && assertsDirectory(destination.path)) throw new BerthError("NOT_FOUND", "no such directory");
  return { dir: parentOf(destination.path), rename };
}
