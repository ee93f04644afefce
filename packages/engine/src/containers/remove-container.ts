import { rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { assertTransition } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { createStagingDir } from "../storage/staging.js";
import { finishRun, hasRunEnded, isActive } from "./container-exit.js";
import { collectUnusedLayers } from "../images/layer-gc.js";
import { imageStoreLock } from "../images/store-lock.js";
import { withLock } from "../storage/lock.js";
import { deleteVolumeLocked } from "../volumes/remove-volume.js";
import { volumeStoreLock } from "../volumes/volume-paths.js";
import { containerPaths } from "./container-paths.js";
import { releaseContainerResources } from "./container-resources.js";
import { removeInitLink } from "./container-rootfs.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, type ContainerRecord } from "./container-store.js";
import { signalContainer } from "./container-signals.js";
import { waitUntil } from "./host-processes.js";

export interface RemoveOptions {
  force?: boolean;
  /** Also remove the anonymous volumes no other container uses (`rm -v`). */
  volumes?: boolean;
}

const identity = (record: ContainerRecord) => ({ id: record.row.id, name: record.row.name });

/**
 * docker rm, with the container's lock held: refuses an active container without force (docker's
 * CONFLICT); with force kills it (SIGKILL) and records its end. Then frees anything left on the
 * host, moves the container dir out of sight, deletes the row (VolumeMount rows go with it) with
 * its `destroy` event, then with -v the anonymous volumes no other container mounts, and the layers
 * of a deleted image it was the last to hold.
 */
export async function removeLocked(ctx: EngineContext, runtime: ContainerRuntime, record: ContainerRecord, options: RemoveOptions = {}): Promise<void> {
  const { id } = record.row;
  const started = performance.now();
  const paths = containerPaths(ctx.paths, id);
  let current = record;
  assertTransition(current.state, options.force ? "forceRemove" : "remove", identity(current));
  if (isActive(current.state)) {
    if (current.state !== "restarting") {
      await writeFile(paths.inlineExitMarker, "").catch(() => undefined); // recorded here: the exit command stands aside
      await signalContainer(ctx, runtime, current, 9);
      await waitUntil(() => hasRunEnded(ctx, current), 10_000);
    }
    current = await finishRun(ctx, runtime, current);
  } else if (current.state !== "exited") {
    // An ended run released its resources when it was recorded (finishRun); a created or dead
    // container may hold what a crashed start left.
    await releaseContainerResources(ctx, runtime, id, paths);
  }
  const trash = await createStagingDir(ctx.paths.root, "remove");
  try {
    await rename(paths.dir, join(trash, "container")).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await removeInitLink(ctx, id);
    const anonymous = options.volumes ? await anonymousVolumes(ctx, id) : [];
    await ctx.client.$transaction(async (tx) => {
      await tx.container.delete({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
      await ctx.events.record({ type: "container", action: "destroy", objectId: id, attributes: containerEventAttributes(current) }, tx);
    });
    if (anonymous.length > 0) await removeUnusedVolumes(ctx, anonymous);
    await collectOrphanLayers(ctx, current.row.imageId);
  } finally {
    await rm(trash, { recursive: true, force: true });
  }
  ctx.logger.debug({ container: id, phase: "remove", ms: Math.round(performance.now() - started) }, "end phase");
}

/** When the container's image was deleted (`rmi -f`), its layers were the container's to keep: they go with it. */
async function collectOrphanLayers(ctx: EngineContext, imageId: string): Promise<void> {
  const image = await ctx.client.image.findUnique({ where: { nodeId_id: { nodeId: ctx.nodeId, id: imageId } }, select: { id: true } });
  if (image) return;
  await withLock(ctx.paths.locks, imageStoreLock, () => collectUnusedLayers(ctx));
}

async function anonymousVolumes(ctx: EngineContext, id: string): Promise<string[]> {
  const mounts = await ctx.client.volumeMount.findMany({
    where: { nodeId: ctx.nodeId, containerId: id, volume: { anonymous: true } },
    select: { volumeName: true },
  });
  return mounts.map((mount) => mount.volumeName);
}

/** `rm -v`: the container's anonymous volumes that no other container mounts go with it. */
async function removeUnusedVolumes(ctx: EngineContext, names: readonly string[]): Promise<void> {
  await withLock(ctx.paths.locks, volumeStoreLock, async () => {
    for (const name of names) {
      const users = await ctx.client.volumeMount.count({ where: { nodeId: ctx.nodeId, volumeName: name } });
      if (users === 0) await deleteVolumeLocked(ctx, name);
    }
  });
}
