import { closeSync } from "node:fs";
import { BerthError, resolveUser, type ContainerExtractOptions, type ContainerPathStat } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { resolveInRoot, type InRootPath } from "../layers/fd-paths.js";
import { writeTree } from "../layers/tar-diff.js";
import { tarStream, writeResource } from "../layers/tree-archive.js";
import { extractTree, type ExtractOptions } from "../layers/tree-extract.js";
import { withContainerFilesystem } from "./container-filesystem.js";
import { containerPaths } from "./container-paths.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, type ContainerRecord } from "./container-store.js";
import { readFileInRoot } from "./host-processes.js";

// export and cp's three calls (docker's GET/HEAD/PUT /containers/{id}/archive). Paths inside the
// container are resolved by fd-paths from the container's root (container-filesystem.ts), never
// by the host's kernel from a host path, so a symlink the container planted (to /etc/shadow,
// or ../../..) resolves inside the container or not at all.

async function event(ctx: EngineContext, record: ContainerRecord, action: string, extra: Record<string, string> = {}): Promise<void> {
  await ctx.events.record({ type: "container", action, objectId: record.row.id, attributes: containerEventAttributes(record, extra) });
}

function fileNotFound(path: string, text: string): BerthError {
  return new BerthError("NOT_FOUND", `Could not find the file ${path} in container ${text}`);
}

/**
 * docker's resolvePath: the parents' symlinks are followed inside the root, the last one only
 * when the path ends in `/` or `/.` (which also asks for a directory).
 */
function resolveContainerPath(rootFd: number, path: string, text: string, shown = path): InRootPath {
  const absolute = path.startsWith("/") ? path : `/${path}`;
  const wantsDirectory = /\/\.?$/.test(absolute) && absolute !== "/";
  let found: InRootPath;
  try {
    found = resolveInRoot(rootFd, absolute, wantsDirectory);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw fileNotFound(shown, text);
    if (code === "ENOTDIR") throw new BerthError("INVALID_ARGUMENT", `lstat ${absolute}: not a directory`);
    throw error;
  }
  if (found.stats === undefined) {
    closeSync(found.parentFd);
    throw fileNotFound(shown, text);
  }
  if (wantsDirectory && !found.stats.isDirectory()) {
    closeSync(found.parentFd);
    throw new BerthError("INVALID_ARGUMENT", `lstat ${absolute}: not a directory`);
  }
  return found;
}

function baseName(found: InRootPath): string {
  return found.path === "/" ? "/" : found.path.slice(found.path.lastIndexOf("/") + 1);
}

function statOf(rootFd: number, found: InRootPath): ContainerPathStat {
  const stats = found.stats!;
  let linkTarget = "";
  if (stats.isSymbolicLink()) {
    try {
      const target = resolveInRoot(rootFd, found.path, true);
      closeSync(target.parentFd);
      linkTarget = target.path;
    } catch {
      linkTarget = "";
    }
  }
  return { name: baseName(found), size: stats.size, mode: stats.mode, mtime: stats.mtime, isDirectory: stats.isDirectory(), linkTarget };
}

export async function statContainerPath(ctx: EngineContext, runtime: ContainerRuntime, text: string, path: string): Promise<ContainerPathStat> {
  return withContainerFilesystem(ctx, runtime, text, "live", async (rootFd) => {
    const found = resolveContainerPath(rootFd, path, text);
    try {
      return statOf(rootFd, found);
    } finally {
      closeSync(found.parentFd);
    }
  });
}

/** The resource at `path` as a tar whose entries start with its base name (a directory with its whole tree). */
export function archiveContainerPath(ctx: EngineContext, runtime: ContainerRuntime, text: string, path: string): AsyncIterable<Uint8Array> {
  return tarStream((writer) => withContainerFilesystem(ctx, runtime, text, "live", async (rootFd, record) => {
    const found = resolveContainerPath(rootFd, path, text);
    try {
      await writeResource(writer, found.parentFd, found.name, path.endsWith("/.") ? "." : baseName(found));
    } finally {
      closeSync(found.parentFd);
    }
    await event(ctx, record, "archive-path");
  }));
}

/** docker cp -a: the container's user (Config.User, looked up in its /etc/passwd and /etc/group), else the archive's ids. */
async function ownerFor(ctx: EngineContext, record: ContainerRecord, copyUidGid: boolean): Promise<ExtractOptions["owner"]> {
  const user = record.config.User ?? "";
  if (!copyUidGid || user === "") return "archive";
  const merged = containerPaths(ctx.paths, record.row.id).merged;
  const [passwd, group] = await Promise.all([readFileInRoot(merged, "/etc/passwd"), readFileInRoot(merged, "/etc/group")]);
  const { uid, gid } = resolveUser(user, passwd, group);
  return { uid, gid };
}

/** Extracts `tar` into the directory `path` of the container; never replaces a directory with a file or the reverse. */
export async function extractToContainerPath(
  ctx: EngineContext,
  runtime: ContainerRuntime,
  text: string,
  path: string,
  tar: AsyncIterable<Uint8Array>,
  options: ContainerExtractOptions = {},
): Promise<void> {
  await withContainerFilesystem(ctx, runtime, text, "live", async (rootFd, record) => {
    const found = resolveContainerPath(rootFd, path.endsWith("/") ? path : `${path}/`, text, path);
    closeSync(found.parentFd);
    const owner = await ownerFor(ctx, record, options.copyUidGid === true);
    await extractTree(tar, rootFd, {
      owner,
      noOverwriteDirNonDir: true,
      under: found.path.slice(1),
      ...(options.rename === undefined ? {} : { rename: options.rename }),
    });
    await event(ctx, record, "extract-to-dir");
  });
}

/** docker export: the root filesystem (never the container's mounts or volumes) as a flat tar. */
export function exportContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string): AsyncIterable<Uint8Array> {
  return tarStream((writer) => withContainerFilesystem(ctx, runtime, text, "rootfs", async (rootFd, record) => {
    await writeTree(writer, rootFd, { oneFileSystem: true });
    await event(ctx, record, "export");
  }));
}
