import { readdir, readlink, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CheckProblem } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { findUnusedLayers, removeUnusedLayer } from "../images/layer-gc.js";
import { hasLayerTar } from "../images/layer-store.js";
import { imageStoreLock } from "../images/store-lock.js";
import { layerDir, removeLayerDir } from "../layers/layer-dirs.js";
import { withLock } from "../storage/lock.js";
import { isProcessAlive, stagingOwnerPid, stagingRoot } from "../storage/staging.js";

const exists = (path: string) => stat(path).then(() => true, () => false);

/**
 * berth system check: compare the database with the disk under the store lock and report (and
 * with repair, fix) what disagrees. Repairs only remove what nothing can use; a missing layer
 * or config is reported, since only a new load or pull can bring it back.
 */
export async function checkStore(ctx: EngineContext, repair: boolean): Promise<CheckProblem[]> {
  return withLock(ctx.paths.locks, imageStoreLock, async () => {
    const problems: CheckProblem[] = [];
    const report = async (kind: string, description: string, fix?: () => Promise<unknown>) => {
      if (repair && fix) await fix();
      problems.push({ kind, description, repaired: repair && fix !== undefined });
    };
    const tmp = stagingRoot(ctx.paths.root);
    for (const name of await readdir(tmp).catch(() => [] as string[])) {
      const pid = stagingOwnerPid(name);
      if (pid !== undefined && !isProcessAlive(pid)) {
        await report("staging", `staging ${name} left by dead process ${pid}`, () => rm(join(tmp, name), { recursive: true, force: true }));
      }
    }
    const { nodeId } = ctx;
    const images = await ctx.client.image.findMany({ where: { nodeId }, select: { id: true } });
    for (const image of images) {
      if (!(await exists(ctx.blobs.blobPath(image.id)))) await report("image", `image ${image.id} has no config blob`);
    }
    const layers = await ctx.client.layer.findMany({ where: { nodeId }, select: { chainId: true, diffId: true } });
    const known = new Set(layers.map((layer) => layer.chainId));
    for (const layer of layers) {
      if (!(await exists(join(layerDir(ctx.paths.root, layer.chainId), "diff")))) {
        await report("layer", `layer ${layer.chainId} has no directory`);
      }
      if (!(await hasLayerTar(ctx, layer))) await report("layer", `layer ${layer.chainId} has no tar blob ${layer.diffId} nor split record`);
    }
    for (const layer of await findUnusedLayers(ctx)) {
      await report("layer", `layer ${layer.chainId} is used by no image`, () => removeUnusedLayer(ctx, layer));
    }
    for (const name of await readdir(ctx.paths.layers).catch(() => [] as string[])) {
      const chainId = /^[0-9a-f]{64}$/.test(name) ? `sha256:${name}` : undefined;
      if (chainId && !known.has(chainId)) {
        await report("layer", `layer directory ${name} has no database row`, () => removeLayerDir(ctx.paths.root, chainId));
      }
    }
    const links = join(ctx.paths.layers, "l");
    for (const name of await readdir(links).catch(() => [] as string[])) {
      const target = await readlink(join(links, name)).catch(() => "");
      if (!(await exists(join(links, target)))) {
        await report("link", `layer link ${name} points nowhere`, () => rm(join(links, name), { force: true }));
      }
    }
    const referenced = new Set([...images.map((image) => image.id), ...layers.map((layer) => layer.diffId)]);
    for (const digest of await ctx.blobs.listBlobs()) {
      if (!referenced.has(digest)) await report("blob", `blob ${digest} is not used`, () => ctx.blobs.deleteBlob(digest));
    }
    return problems;
  });
}
