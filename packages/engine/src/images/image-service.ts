import type { ImageService } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { loadImages } from "../archive/load-archive.js";
import { saveImages } from "../archive/save-archive.js";
import { imageHistory } from "./image-history.js";
import { tagImage } from "./image-tags.js";
import { importImage } from "./import-image.js";
import { inspectImage } from "./inspect-image.js";
import { listImages } from "./list-images.js";
import { pruneImages } from "./prune-images.js";
import { removeImage } from "./remove-image.js";

/** The local ImageService: each method is one engine function over this root. */
export function createImageService(ctx: EngineContext): ImageService {
  return {
    list: (options) => listImages(ctx, options),
    inspect: (reference) => inspectImage(ctx, reference),
    history: (reference) => imageHistory(ctx, reference),
    tag: (source, target) => tagImage(ctx, source, target),
    remove: (reference, options) => removeImage(ctx, reference, options),
    prune: (options) => pruneImages(ctx, options),
    import: (source, options) => importImage(ctx, source, options),
    save: (references, output, options) => saveImages(ctx, references, output, options),
    load: (source, options) => loadImages(ctx, source, options),
  };
}
