import { lstat, writeFile } from "node:fs/promises";
import { BerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { runTool } from "../host/run-tool.js";
import { RootResolver } from "../layers/in-root.js";
import { prepareVolumes } from "../volumes/volume-first-use.js";
import { containerMountPoints, startMountInputs, volumeUses } from "./container-mounts.js";
import type { ContainerPaths } from "./container-paths.js";
import type { ContainerRecord } from "./container-store.js";

// cp of a container that does not run sees its volumes and bind mounts, as docker's does (its
// daemon mounts them for the copy): each is bound onto its destination in merged/, in berth's own
// mount namespace, for the call; unmountRootfs takes them down with the overlay. The container has
// no process then, so nothing of it can change a path meanwhile: destinations are resolved inside
// merged/ (RootResolver: a planted symlink leads back inside, never out) and made when missing, a
// directory or an empty file, as a start makes them.

const depth = (path: string) => path.split("/").filter((part) => part !== "").length;

async function mount(args: readonly string[]): Promise<void> {
  const result = await runTool("mount", args, { env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) throw new BerthError("INTERNAL", `mount ${args.join(" ")}: ${result.stderr.trim() || result.message}`);
}

/** The host path of the mount point `target` inside merged/, made when missing. */
async function mountPoint(resolver: RootResolver, target: string, isFile: boolean): Promise<string> {
  const rel = target.replace(/^\/+/, "");
  if (!isFile) return resolver.resolveDirectory(rel, true);
  const host = resolver.resolveParent(rel, true);
  const stats = await lstat(host).catch(() => undefined);
  if (stats === undefined) await writeFile(host, "", { flag: "wx", mode: 0o755 });
  else if (stats.isSymbolicLink()) throw new BerthError("INVALID_ARGUMENT", `cannot mount ${target} for the copy: it is a symbolic link in the container`);
  return host;
}

/**
 * Mounts the volumes and binds of a container that does not run on its mounted rootfs (docker's
 * mountVolumes: parents first; rbind unless non-recursive; read-only ones read-only; rprivate, so
 * taking them down never reaches the sources' own mounts). Volumes are prepared as a start would
 * (a device mounted, the image's content copied into an empty one).
 */
export async function mountVolumesForCopy(ctx: EngineContext, record: ContainerRecord, paths: ContainerPaths): Promise<void> {
  const volumeRows = await ctx.client.volumeMount.findMany({ where: { nodeId: ctx.nodeId, containerId: record.row.id } });
  const points = containerMountPoints(ctx.paths, record.config, record.hostConfig, volumeRows);
  await prepareVolumes(ctx, paths.merged, volumeUses(points));
  const { mounts } = await startMountInputs(points.filter((point) => point.type !== "tmpfs"), record.hostConfig);
  const resolver = new RootResolver(paths.merged);
  for (const point of [...mounts].sort((a, b) => depth(a.target) - depth(b.target))) {
    const host = await mountPoint(resolver, point.target, point.isFile === true);
    await mount([point.nonRecursive === true ? "--bind" : "--rbind", ...(point.readOnly ? ["-o", "ro"] : []), "--", point.source, host]);
    await mount(["--make-rprivate", "--", host]);
  }
}
