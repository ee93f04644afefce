import { closeSync, fstatSync, statSync } from "node:fs";
import { BerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { openDirectory } from "../layers/fd-paths.js";
import { withContainerLock } from "./container-cleanup.js";
import { current } from "./container-lifecycle.js";
import { containerPaths } from "./container-paths.js";
import { mountRootfs, unmountRootfs } from "./container-rootfs.js";
import { mountVolumesForCopy } from "./copy-mounts.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { findContainer, type ContainerRecord } from "./container-store.js";

// A container's files for export and cp, under the container's lock (no start, stop or rm
// meanwhile), as an open directory that fd-paths resolves inside:
// - "rootfs": the overlay on merged/ in berth's own mount namespace, which holds none of the
//   container's mounts (/proc, /sys, /dev, volumes, binds: they live in the container's
//   namespace). A container that is not running gets it mounted for the call, then unmounted.
// - "live": a running container's root as its processes see it, through /proc/<pid>/root (its
//   mount namespace: volumes and tmpfs included); when it does not run, the overlay with its
//   volumes and binds mounted for the call (copy-mounts.ts), as docker's cp sees it.

export type ContainerView = "rootfs" | "live";

/** Opens a running container's /proc/<pid>/root and checks it is its overlay (not a recycled pid's root). */
function openLiveRoot(ctx: EngineContext, record: ContainerRecord): number {
  const merged = statSync(containerPaths(ctx.paths, record.row.id).merged);
  const fd = openDirectory(`/proc/${record.row.pid}/root/.`); // the magic link itself is refused by O_NOFOLLOW
  const root = fstatSync(fd);
  if (root.dev !== merged.dev || root.ino !== merged.ino) {
    closeSync(fd);
    throw new BerthError("CONFLICT", `container ${record.row.id} is not running`);
  }
  return fd;
}

export async function withContainerFilesystem<T>(
  ctx: EngineContext,
  runtime: ContainerRuntime,
  text: string,
  view: ContainerView,
  fn: (rootFd: number, record: ContainerRecord) => Promise<T>,
): Promise<T> {
  const { id } = (await findContainer(ctx, text)).row;
  return withContainerLock(ctx, id, async () => {
    const record = await current(ctx, runtime, id, text);
    const paths = containerPaths(ctx.paths, id);
    const running = record.state === "running" || record.state === "paused";
    if (!running) await mountRootfs(ctx, record.row, paths);
    try {
      if (!running && view === "live") await mountVolumesForCopy(ctx, record, paths);
      const fd = running && view === "live" ? openLiveRoot(ctx, record) : openDirectory(paths.merged);
      try {
        return await fn(fd, record);
      } finally {
        closeSync(fd);
      }
    } finally {
      if (!running) await unmountRootfs(paths);
    }
  });
}
