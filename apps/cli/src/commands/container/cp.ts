import { constants } from "node:fs";
import { lstat, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  BerthError, copyBaseName, invalidArgument, isBerthError, parseCopyArgs, planArchiveCopy,
  type ContainerPathStat, type ContainerService,
} from "@berth/core";
// The host side of a copy only: no database, no engine (loaded with this command, never by `berth version`).
import { archiveHostPath, extractToHostDir } from "@berth/engine/host-archive";
import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";
import type { CommandContext } from "../../context.js";

export const spec = defineSpec({
  name: "container cp",
  aliases: ["cp"],
  summary: "Copy files/folders between a container and the local filesystem",
  usage: "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH",
  args: [{ name: "SRC_PATH" }, { name: "DEST_PATH" }],
  options: {
    archive: booleanOption("-a, --archive", "Archive mode (copy all uid/gid information)"),
    followLink: booleanOption("-L, --follow-link", "Always follow symbol link in SRC_PATH"),
  },
  examples: [
    "berth cp web:/etc/nginx/nginx.conf .",
    "berth cp ./site/. web:/usr/share/html",
    "tar -cf - app | berth cp - web:/opt",
  ],
});

interface Options {
  archive: boolean;
  followLink: boolean;
}

const isType = (mode: number, type: number) => (mode & constants.S_IFMT) === type;

/** A path as typed, made absolute, its trailing `/` or `/.` kept (they ask for a directory). */
function absoluteKeepingTail(ctx: CommandContext, path: string): string {
  const absolute = resolve(ctx.cwd, path);
  if (path.endsWith("/.") || path === ".") return absolute === "/" ? "/." : `${absolute}/.`;
  return path.endsWith("/") && absolute !== "/" ? `${absolute}/` : absolute;
}

async function statOrUndefined(containers: ContainerService, container: string, path: string): Promise<ContainerPathStat | undefined> {
  try {
    return await containers.statPath(container, path);
  } catch (error) {
    if (isBerthError(error) && error.code !== "INTERNAL") return undefined;
    throw error;
  }
}

/** docker's CopyInfoDestinationPath on the host: what DEST is (symlinks followed), its parent checked. */
async function hostDestination(path: string): Promise<{ exists: boolean; isDirectory: boolean }> {
  try {
    const info = await stat(path);
    return { exists: true, isDirectory: info.isDirectory() };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw invalidArgument(`stat ${path}: not a directory`);
    if (code !== "ENOENT") throw error;
  }
  const parent = dirname(path.replace(/\/\.?$/, ""));
  const info = await stat(parent).catch(() => undefined);
  if (info === undefined) throw new BerthError("NOT_FOUND", `stat ${parent}: no such file or directory`);
  if (!info.isDirectory()) throw invalidArgument(`stat ${parent}: not a directory`);
  return { exists: false, isDirectory: false };
}

async function copyFromContainer(ctx: CommandContext, containers: ContainerService, container: string, source: string, destination: string, options: Options): Promise<void> {
  let sourcePath = source;
  let rebaseName: string | undefined;
  if (options.followLink) {
    const link = await statOrUndefined(containers, container, sourcePath);
    if (link !== undefined && isType(link.mode, constants.S_IFLNK) && link.linkTarget !== "") {
      rebaseName = copyBaseName(sourcePath);
      sourcePath = link.linkTarget;
    }
  }
  const info = await containers.statPath(container, sourcePath);
  if (destination === "-") {
    await pipeline(Readable.from(containers.archivePath(container, sourcePath)), ctx.stdout, { end: false });
    return;
  }
  const target = absoluteKeepingTail(ctx, destination);
  const plan = planArchiveCopy(
    { path: sourcePath, isDirectory: info.isDirectory, ...(rebaseName === undefined ? {} : { rebaseName }) },
    { path: target, ...(await hostDestination(target)) },
  );
  await extractToHostDir(plan.dir, containers.archivePath(container, sourcePath), {
    owner: options.archive ? "archive" : "caller",
    ...(plan.rename === undefined ? {} : { rename: plan.rename }),
  });
}

async function copyToContainer(ctx: CommandContext, containers: ContainerService, container: string, source: string, destination: string, options: Options): Promise<void> {
  let destinationPath = destination;
  let info = await statOrUndefined(containers, container, destinationPath);
  if (info !== undefined && isType(info.mode, constants.S_IFLNK)) {
    destinationPath = info.linkTarget;
    info = destinationPath === "" ? undefined : await statOrUndefined(containers, container, destinationPath);
  }
  if (info !== undefined && !info.isDirectory && !isType(info.mode, constants.S_IFREG)) {
    throw invalidArgument(`destination "${container}:${destination}" must be a directory or a regular file`);
  }
  if (source === "-") {
    if (info?.isDirectory !== true) throw invalidArgument(`destination "${container}:${destination}" must be a directory`);
    await containers.extractToPath(container, destinationPath, Readable.from(ctx.stdin), { copyUidGid: options.archive });
    return;
  }
  const sourcePath = absoluteKeepingTail(ctx, source);
  const hostPath = sourcePath.replace(/\/\.?$/, "") || "/";
  const sourceInfo = await (options.followLink ? stat : lstat)(hostPath).catch(() => undefined);
  if (sourceInfo === undefined) throw new BerthError("NOT_FOUND", `lstat ${sourcePath}: no such file or directory`);
  const plan = planArchiveCopy(
    { path: sourcePath, isDirectory: sourceInfo.isDirectory() },
    { path: destinationPath, exists: info !== undefined, isDirectory: info?.isDirectory === true },
  );
  const archive = archiveHostPath(hostPath, options.followLink, copyBaseName(sourcePath));
  await containers.extractToPath(container, plan.dir, archive, {
    copyUidGid: options.archive,
    ...(plan.rename === undefined ? {} : { rename: plan.rename }),
  });
}

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const { source, destination } = parseCopyArgs(args[0]!, args[1]!);
  const { containers } = await ctx.getService();
  if (source.container !== undefined) await copyFromContainer(ctx, containers, source.container, source.path, destination.path, options);
  else await copyToContainer(ctx, containers, destination.container!, source.path, destination.path, options);
  return 0;
};
