import { chmod, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { EngineContext } from "../engine-context.js";
import { writeLayerTarFromUpper } from "../layers/tar-diff.js";
import { SplitRecorder } from "../layers/tar-split.js";
import { createStagingDir } from "../storage/staging.js";
import { SPLIT_NAME, stageLayer, type StagedLayer } from "./layer-store.js";

// An overlay upper dir becomes a staged layer (commit, build steps): copied through its canonical
// tar when its container lives on, or renamed when the container goes next.

/** The upper dir's canonical tar (tar-diff), extracted into staging with its bytes kept. */
export async function stageUpperDir(ctx: EngineContext, upperDir: string): Promise<StagedLayer> {
  const pipe = new PassThrough();
  const writing = writeLayerTarFromUpper(upperDir, pipe).then(
    () => void pipe.end(),
    (error: unknown) => void pipe.destroy(error as Error),
  );
  const staging = stageLayer(ctx, pipe).catch((error: unknown) => {
    pipe.destroy();
    throw error;
  });
  const [staged] = await Promise.all([staging, writing]);
  return staged;
}

/**
 * An overlay upper dir nobody uses any more (a build step's, its container about to go) becomes
 * a staged layer's diff/ by a rename: its canonical tar (tar-diff) is only hashed and described
 * by a split record, so no file is copied. Undefined when the dir is on another filesystem than
 * the staging dir (the caller copies then).
 */
export async function stageUpperDirByMove(ctx: EngineContext, upperDir: string): Promise<StagedLayer | undefined> {
  const stagingDir = await createStagingDir(ctx.paths.root, "layer");
  try {
    const diffDir = join(stagingDir, "diff");
    const moved = await rename(upperDir, diffDir).then(() => true, (error: NodeJS.ErrnoException) => {
      if (error.code === "EXDEV") return false;
      throw error;
    });
    if (!moved) {
      await rm(stagingDir, { recursive: true, force: true });
      return undefined;
    }
    await chmod(diffDir, 0o755); // as stageLayer makes it (a scratch step's dir is staging, 0700)
    const split = new SplitRecorder(join(stagingDir, SPLIT_NAME), diffDir);
    try {
      const result = await writeLayerTarFromUpper(diffDir, (chunk) => split.onChunk(chunk), (name, start, size) => split.file(name, start, size));
      split.finish();
      return { diffId: result.diffId, size: result.contentSize, stagingDir };
    } catch (error) {
      split.close();
      throw error;
    }
  } catch (error) {
    await rm(stagingDir, { recursive: true, force: true });
    throw error;
  }
}
