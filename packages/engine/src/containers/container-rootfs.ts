import { readlink, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { BerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { layerDiffDir, layerLinksDir } from "../layers/layer-dirs.js";
import { mountOverlay, planOverlayMount } from "../layers/overlay.js";
import { listMountPoints } from "../storage/mountinfo.js";
import type { ContainerPaths } from "./container-paths.js";
import type { ContainerRow } from "./container-store.js";
import { runTool } from "../host/run-tool.js";

// The container's root filesystem: overlay of the init layer (top), its image's layers and the
// container's upper dir, mounted on merged/ in the host's mount namespace (so export, diff and cp
// can reach it while the container runs). The init layer gets a short link in layers/l like every
// image layer, so a mount of 125+ layers still fits the option limit.

/** The init layer's link name: 26 characters derived from the container ID (image links are random). */
export function initLinkName(id: string): string {
  return id.slice(0, 26).toUpperCase();
}

function initLinkPath(ctx: EngineContext, id: string): string {
  return join(layerLinksDir(ctx.paths.root), initLinkName(id));
}

async function ensureInitLink(ctx: EngineContext, id: string): Promise<string> {
  const path = initLinkPath(ctx, id);
  const target = `../../containers/${id}/init`;
  try {
    await symlink(target, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if ((await readlink(path)) !== target) throw new BerthError("INTERNAL", `layer link ${path} is taken by something else`);
  }
  return path;
}

export async function removeInitLink(ctx: EngineContext, id: string): Promise<void> {
  await unlink(initLinkPath(ctx, id)).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}

/** What a container's layers are found from: its ID (the init layer) and its image's top chain ID. */
export type ContainerLayerRef = Pick<ContainerRow, "id" | "topChainId">;

/**
 * The container's image layers, top first, walked down from its top chain ID (so they serve the
 * container even once its image is deleted, like docker's): their short links (for the mount)
 * and diff dirs (for inspect).
 */
export async function containerLayers(ctx: EngineContext, container: ContainerLayerRef): Promise<Array<{ link: string; diffDir: string }>> {
  const layers: Array<{ link: string; diffDir: string }> = [];
  for (let chainId = container.topChainId; chainId !== null; ) {
    const layer = await ctx.client.layer.findUnique({ where: { nodeId_chainId: { nodeId: ctx.nodeId, chainId } }, select: { link: true, parentChainId: true } });
    if (!layer) throw new BerthError("DATA_CORRUPTED", `layer ${chainId} of container ${container.id} is missing`, { hint: "run `berth system check`" });
    layers.push({ link: join(layerLinksDir(ctx.paths.root), layer.link), diffDir: layerDiffDir(ctx.paths.root, chainId) });
    chainId = layer.parentChainId;
  }
  return layers;
}

/** Mounts the rootfs on merged/ unless it is mounted already (a start after a crash). */
export async function mountRootfs(ctx: EngineContext, container: ContainerLayerRef, paths: ContainerPaths): Promise<void> {
  if ((await listMountPoints()).includes(paths.merged)) return;
  const lowerLinks = [await ensureInitLink(ctx, container.id), ...(await containerLayers(ctx, container)).map((layer) => layer.link)];
  const plan = planOverlayMount({ lowerLinks, upperDir: paths.upper, workDir: paths.work, target: paths.merged });
  await mountOverlay(plan, paths.merged);
}

/** Unmounts merged/ and anything left below it, deepest first; a no-op when nothing is mounted. */
export async function unmountRootfs(paths: ContainerPaths, mounts?: readonly string[]): Promise<void> {
  const prefix = `${paths.merged}/`;
  const mounted = (mounts ?? (await listMountPoints())).filter((mount) => mount === paths.merged || mount.startsWith(prefix));
  for (const target of mounted.reverse()) {
    const result = await runTool("umount", [target], { env: { LC_ALL: "C" } });
    if (result.exitCode === 0) continue;
    const lazy = await runTool("umount", ["-l", target], { env: { LC_ALL: "C" } });
    if (lazy.exitCode !== 0) throw new BerthError("INTERNAL", `unmounting ${target} failed: ${result.stderr || lazy.stderr}`);
  }
}
