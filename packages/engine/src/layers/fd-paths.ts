import { closeSync, constants, lstatSync, openSync, readlinkSync, type Stats } from "node:fs";

// openat() for Node: a path `/proc/self/fd/<dir fd>/<name>` is resolved by the kernel from the
// directory that fd holds open, whatever was renamed or swapped since, and across the mounts of
// the mount namespace that directory belongs to (so a container's `/proc/<pid>/root` shows its
// volumes and tmpfs). Names here are single components and every directory is opened with
// O_NOFOLLOW, so a symlink planted in a tree — even one swapped in while berth walks it — is
// never followed by the kernel: berth reads it and resolves it itself, inside the tree's root.

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const MAX_SYMLINKS = 40;

/** The path of `name` (one component, or "" for the directory itself) under the open directory `dirFd`. */
export function pathAt(dirFd: number, name = ""): string {
  return name === "" ? `/proc/self/fd/${dirFd}` : `/proc/self/fd/${dirFd}/${name}`;
}

/** Opens directory `name` of `dirFd` without following a symlink (ELOOP/ENOTDIR otherwise). */
export function openDirectoryAt(dirFd: number, name: string): number {
  return openSync(pathAt(dirFd, name), DIRECTORY_FLAGS);
}

/** A new descriptor of the directory `dirFd` holds (through its `.`: /proc/self/fd/N itself is a link O_NOFOLLOW refuses). */
export function reopenDirectory(dirFd: number): number {
  return openSync(pathAt(dirFd, "."), DIRECTORY_FLAGS);
}

export function openDirectory(path: string): number {
  return openSync(path, DIRECTORY_FLAGS);
}

export function lstatAt(dirFd: number, name: string): Stats | undefined {
  return lstatSync(pathAt(dirFd, name), { throwIfNoEntry: false });
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** A path resolved inside a root: the open parent directory (owned by the caller) and the last name. */
export interface InRootPath {
  parentFd: number;
  /** "" when the path is the root itself (then parentFd is a new fd of the root). */
  name: string;
  /** The clean absolute path inside the root that was reached. */
  path: string;
  stats: Stats | undefined;
}

/**
 * Resolves `path` inside the open directory `rootFd` with chroot semantics: symlinks are read and
 * followed by berth (absolute targets from the root, `..` never above it), the last one only
 * with `followLast`. Every directory on the way is opened relative to the previous one with
 * O_NOFOLLOW. A missing or non-directory parent throws ENOENT/ENOTDIR like the kernel.
 */
export function resolveInRoot(rootFd: number, path: string, followLast: boolean): InRootPath {
  const stack: Array<{ fd: number; name: string }> = [];
  const todo = path.split("/").reverse();
  const close = () => {
    for (const entry of stack) closeSync(entry.fd);
    stack.length = 0;
  };
  const top = () => stack.at(-1)?.fd ?? rootFd;
  const here = () => `/${stack.map((entry) => entry.name).join("/")}`;
  let symlinks = 0;
  try {
    while (todo.length > 0) {
      const part = todo.pop()!;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        const popped = stack.pop();
        if (popped) closeSync(popped.fd);
        continue;
      }
      const isLast = todo.every((rest) => rest === "" || rest === ".");
      const stats = lstatAt(top(), part);
      if (stats?.isSymbolicLink() && (!isLast || followLast)) {
        if (++symlinks > MAX_SYMLINKS) throw errno("ELOOP", `${path}: too many levels of symbolic links`);
        const target = readlinkSync(pathAt(top(), part));
        if (target.startsWith("/")) close();
        todo.push(...target.split("/").reverse());
        continue;
      }
      if (isLast) {
        const parentFd = reopenDirectory(top());
        const parentPath = here();
        close();
        return { parentFd, name: part, path: parentPath === "/" ? `/${part}` : `${parentPath}/${part}`, stats };
      }
      const reached = here() === "/" ? `/${part}` : `${here()}/${part}`;
      if (stats === undefined) throw errno("ENOENT", `${reached}: no such file or directory`);
      if (!stats.isDirectory()) throw errno("ENOTDIR", `${reached}: not a directory`);
      stack.push({ fd: openDirectoryAt(top(), part), name: part });
    }
    const parentFd = reopenDirectory(top());
    const stats = lstatSync(pathAt(parentFd, "."));
    const reached = here();
    close();
    return { parentFd, name: "", path: reached, stats };
  } catch (error) {
    close();
    throw error;
  }
}

/** Opens the node `rel` (a clean root-relative path) of `rootFd` without following any symlink. */
export function openInTree(rootFd: number, rel: string, flags: number): number {
  const parts = rel.split("/");
  const last = parts.pop()!;
  let fd = rootFd;
  try {
    for (const part of parts) {
      const next = openDirectoryAt(fd, part);
      if (fd !== rootFd) closeSync(fd);
      fd = next;
    }
    return openSync(pathAt(fd, last), flags | constants.O_NOFOLLOW);
  } finally {
    if (fd !== rootFd) closeSync(fd);
  }
}

/** Runs `fn` with the open parent directory of tree node `rel`, closed afterwards. */
export function withParentInTree<T>(rootFd: number, rel: string, fn: (parentFd: number, name: string) => T): T {
  const slash = rel.lastIndexOf("/");
  const parentFd = slash === -1 ? reopenDirectory(rootFd) : openInTree(rootFd, rel.slice(0, slash), DIRECTORY_FLAGS);
  try {
    return fn(parentFd, rel.slice(slash + 1));
  } finally {
    closeSync(parentFd);
  }
}
