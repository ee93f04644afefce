import type { VolumeService } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { createVolume } from "./create-volume.js";
import { inspectVolume } from "./inspect-volume.js";
import { listVolumes } from "./list-volumes.js";
import { pruneVolumes } from "./prune-volumes.js";
import { removeVolume } from "./remove-volume.js";

/** The local VolumeService: each method is one engine function over this root. */
export function createVolumeService(ctx: EngineContext): VolumeService {
  return {
    create: (options) => createVolume(ctx, options),
    list: (options) => listVolumes(ctx, options),
    inspect: (name) => inspectVolume(ctx, name),
    remove: (name, options) => removeVolume(ctx, name, options),
    prune: (options) => pruneVolumes(ctx, options),
  };
}
