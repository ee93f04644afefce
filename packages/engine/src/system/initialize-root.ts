import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ImageService } from "@berth/core";
import type { RootPaths } from "../config/paths.js";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";

/** The directories of a root; mode 0711 on the root like docker's, so other users cannot list it. */
export async function prepareRootDirs(paths: RootPaths): Promise<void> {
  await mkdir(paths.root, { recursive: true, mode: 0o711 });
  for (const dir of [join(paths.blobs, "sha256"), join(paths.layers, "l"), paths.tmp, paths.locks]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
}

/**
 * First use of a root: register it as a node and load the base image archive (busybox, built
 * deterministically at install) so every fresh root can run something without a registry.
 * Runs once per root, under a lock; the marker file makes later starts skip it with one stat.
 */
export async function initializeRoot(
  ctx: EngineContext,
  images: ImageService,
  options: { loadBaseImage: boolean },
): Promise<void> {
  await withLock(ctx.paths.locks, "initialize", async () => {
    if (existsSync(ctx.paths.initializedMarker)) return;
    await ctx.client.node.upsert({
      where: { id: ctx.nodeId },
      create: { id: ctx.nodeId, root: ctx.paths.root, hostname: hostname() },
      update: {},
    });
    const archive = ctx.settings.settings.base_image_archive;
    if (options.loadBaseImage && existsSync(archive)) {
      await images.load({ kind: "file", path: archive });
    } else if (options.loadBaseImage) {
      ctx.logger.warn({ archive }, "base image archive not found; the root starts without busybox");
    }
    await writeFile(ctx.paths.initializedMarker, `${new Date().toISOString()}\n`);
  });
}
