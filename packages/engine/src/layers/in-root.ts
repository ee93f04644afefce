import { lstatSync, mkdirSync, readlinkSync } from "node:fs";
import { BerthError } from "@berth/core";

// Path resolution inside a layer root with chroot semantics (formats.md §4.3–4.4), done in
// TypeScript component by component with lstat. This is race-free only because each layer is
// extracted by one sequential writer into its own fresh staging dir that nothing else touches.

const MAX_SYMLINKS = 40;

function refuse(name: string, reason: string): BerthError {
  return new BerthError("INVALID_ARGUMENT", `refusing layer tar entry ${JSON.stringify(name)}: ${reason}`);
}

/**
 * Cleans a tar name into a root-relative path without `.`/`..` components ("" for the root
 * itself). Leading slashes are dropped (absolute names are re-rooted); a `..` that would leave
 * the root is refused.
 */
export function cleanEntryName(name: string): string {
  if (name.includes("\0")) throw refuse(name, "NUL in name");
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw refuse(name, "path escapes the layer root");
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

export interface ResolverHooks {
  /**
   * Called when a parent component is neither a directory nor a symlink; returning true means
   * the hook replaced it with a directory (a whiteout of this same layer being re-created).
   */
  replaceWithDirectory?(hostPath: string): boolean;
}

/**
 * Resolves root-relative paths to host paths whose every component is a real directory inside
 * `root`. Symlinks met on the way are followed, absolute targets re-rooted at `root`, and `..`
 * never climbs above it: the result can only be `root` or below.
 */
export class RootResolver {
  /** Clean relative path → host path of a real directory, valid until invalidate(). */
  private readonly directories = new Map<string, string>();

  constructor(
    readonly root: string,
    private readonly hooks: ResolverHooks = {},
  ) {}

  /** Host path of directory `rel`, creating missing components (0755) when `create` is set. */
  resolveDirectory(rel: string, create: boolean): string {
    if (rel === "") return this.root;
    const cached = this.directories.get(rel);
    if (cached !== undefined) return cached;
    const resolved: string[] = [];
    const todo = rel.split("/").reverse();
    let symlinks = 0;
    while (todo.length > 0) {
      const part = todo.pop()!;
      if (part === "" || part === ".") continue;
      if (part === "..") {
        resolved.pop();
        continue;
      }
      resolved.push(part);
      const host = `${this.root}/${resolved.join("/")}`;
      const stats = lstatSync(host, { throwIfNoEntry: false });
      if (stats === undefined) {
        if (!create) throw refuse(rel, `${JSON.stringify(resolved.join("/"))} does not exist`);
        mkdirSync(host, 0o755);
      } else if (stats.isSymbolicLink()) {
        if (++symlinks > MAX_SYMLINKS) throw refuse(rel, "too many levels of symbolic links");
        const target = readlinkSync(host);
        resolved.pop();
        if (target.startsWith("/")) resolved.length = 0;
        todo.push(...target.split("/").reverse());
      } else if (!stats.isDirectory() && !(create && this.hooks.replaceWithDirectory?.(host))) {
        throw refuse(rel, `${JSON.stringify(resolved.join("/"))} is not a directory`);
      }
    }
    const host = resolved.length === 0 ? this.root : `${this.root}/${resolved.join("/")}`;
    this.directories.set(rel, host);
    return host;
  }

  /** Host path of `rel` with its parent resolved; the last component is not followed. */
  resolveParent(rel: string, create: boolean): string {
    const slash = rel.lastIndexOf("/");
    const parent = this.resolveDirectory(slash === -1 ? "" : rel.slice(0, slash), create);
    return `${parent}/${rel.slice(slash + 1)}`;
  }

  /** Records that `rel` is the real directory `host` (just created or merged). */
  noteDirectory(rel: string, host: string): void {
    this.directories.set(rel, host);
  }

  /** Forgets every cached resolution: call after anything existing was removed or replaced. */
  invalidate(): void {
    this.directories.clear();
  }
}
