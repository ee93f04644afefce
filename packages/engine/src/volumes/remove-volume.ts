import { rm } from "node:fs/promises";
import { BerthError, isBerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { unmount } from "../layers/overlay.js";
import { withLock } from "../storage/lock.js";
import { volumeDataDir, volumeDir, volumeStoreLock } from "./volume-paths.js";
import { findVolumeRow } from "./volume-store.js";

/**
 * Deletes a volume no container mounts (the volumes lock held): the row with its `destroy` event,
 * then its device mount and its dir. The row goes first, so a crash leaves at most a dir no row
 * names, never a row without its data.
 */
export async function deleteVolumeLocked(ctx: EngineContext, name: string): Promise<void> {
  await ctx.client.$transaction(async (tx) => {
    await tx.volume.delete({ where: { nodeId_name: { nodeId: ctx.nodeId, name } } });
    await ctx.events.record({ type: "volume", action: "destroy", objectId: name, attributes: { driver: "local" } }, tx);
  });
  await unmount(volumeDataDir(ctx.paths, name));
  await rm(volumeDir(ctx.paths, name), { recursive: true, force: true });
}

/** docker volume rm [-f]: refuses a volume any container mounts (docker's message); -f makes an unknown name no error. */
export async function removeVolume(ctx: EngineContext, name: string, options: { force?: boolean } = {}): Promise<void> {
  await withLock(ctx.paths.locks, volumeStoreLock, async () => {
    try {
      await findVolumeRow(ctx, name);
    } catch (error) {
      if (options.force && isBerthError(error, "NOT_FOUND")) return;
      if (isBerthError(error, "NOT_FOUND")) throw new BerthError("NOT_FOUND", `get ${name}: no such volume`);
      throw error;
    }
    const users = await ctx.client.volumeMount.findMany({ where: { nodeId: ctx.nodeId, volumeName: name }, select: { containerId: true }, orderBy: { containerId: "asc" } });
    if (users.length > 0) {
      const ids = [...new Set(users.map((user) => user.containerId))];
      throw new BerthError("CONFLICT", `remove ${name}: volume is in use - [${ids.join(", ")}]`);
    }
    await deleteVolumeLocked(ctx, name);
  });
}
