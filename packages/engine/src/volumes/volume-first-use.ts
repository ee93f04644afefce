import { chmod, chown, readdir, stat } from "node:fs/promises";
import { BerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { runTool } from "../host/run-tool.js";
import { RootResolver } from "../layers/in-root.js";
import { mountVolumeDevice } from "./volume-options.js";
import { volumeDataDir } from "./volume-paths.js";

// What a start does for each volume it mounts before `berth-init init` runs: mount the device of a
// volume made with driver options, then docker's copy-up: when the volume is empty, the image's
// directory at the mount point (files, owners, modes, xattrs) is copied into it, and the volume's
// top dir takes that directory's owner and mode. `nocopy` and bind mounts skip it.

export interface VolumeUse {
  name: string;
  destination: string;
  noCopy: boolean;
}

/** The host path of directory `destination` inside `rootfs`, symlinks resolved within it; undefined when there is none. */
function imageDirectory(rootfs: string, destination: string): string | undefined {
  try {
    return new RootResolver(rootfs).resolveDirectory(destination.replace(/^\/+/, ""), false);
  } catch {
    return undefined;
  }
}

async function copyUp(source: string, dataDir: string): Promise<void> {
  if ((await readdir(dataDir)).length > 0) return;
  const info = await stat(source);
  if ((await readdir(source)).length > 0) {
    const result = await runTool("cp", ["-a", "--", `${source}/.`, `${dataDir}/`], { env: { LC_ALL: "C" } });
    if (result.exitCode !== 0) throw new BerthError("INTERNAL", `copying the image's ${source} into the volume failed: ${result.stderr.trim() || result.message}`);
  }
  await chown(dataDir, info.uid, info.gid);
  await chmod(dataDir, info.mode & 0o7777);
}

/** Devices mounted and image content copied into empty volumes, for the volumes a start mounts (rootfs mounted). */
export async function prepareVolumes(ctx: EngineContext, rootfs: string, uses: readonly VolumeUse[]): Promise<void> {
  if (uses.length === 0) return;
  const rows = await ctx.client.volume.findMany({ where: { nodeId: ctx.nodeId, name: { in: uses.map((use) => use.name) } }, select: { name: true, options: true } });
  const optionsOf = new Map(rows.map((row) => [row.name, JSON.parse(row.options) as Record<string, string>]));
  for (const use of uses) {
    const dataDir = volumeDataDir(ctx.paths, use.name);
    await mountVolumeDevice(dataDir, optionsOf.get(use.name) ?? {});
    if (use.noCopy) continue;
    const source = imageDirectory(rootfs, use.destination);
    if (source !== undefined) await copyUp(source, dataDir);
  }
}
