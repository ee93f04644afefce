import {
  BerthError,
  applyChanges,
  formatRfc3339Nano,
  parseReference,
  serializeImageConfig,
  type ByteSource,
  type ImageConfig,
  type ImageImportOptions,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { normalizeSourceUrl } from "../fetch/fetch-url.js";
import { openDecompressed } from "../layers/decompress.js";
import { withLock } from "../storage/lock.js";
import { countBytes, openByteSource } from "./byte-source.js";
import { registerImage } from "./image-register.js";
import { commitLayerChain, discardStagedLayers, stageLayer, syncStagedLayers } from "./layer-store.js";
import { goArchitecture } from "./platform.js";
import { imageStoreLock } from "./store-lock.js";

/** docker import: a (possibly compressed) tar becomes a one-layer image with one history row. */
export async function importImage(ctx: EngineContext, source: ByteSource, options: ImageImportOptions = {}): Promise<string> {
  const target = options.reference ? parseReference(options.reference) : undefined;
  if (target?.digest) throw new BerthError("INVALID_ARGUMENT", "refusing to create a tag with a digest reference");
  const containerConfig = applyChanges({}, options.changes ?? []);
  const opened = await openByteSource(source);
  const label = source.kind === "url" ? normalizeSourceUrl(source.url) : opened.label;
  const message = options.message ?? `Imported from ${label}`;
  const progress = (current: number) =>
    options.onProgress?.({ phase: "Importing", current, ...(opened.total ? { total: opened.total } : {}) });
  const staged = await stageLayer(ctx, (await openDecompressed(countBytes(opened.stream, progress))).stream);
  try {
    const created = formatRfc3339Nano(new Date());
    const config: ImageConfig = {
      architecture: goArchitecture(),
      os: "linux",
      created,
      comment: message,
      config: containerConfig,
      rootfs: { type: "layers", diff_ids: [staged.diffId] },
      history: [{ created, comment: message }],
    };
    const configBytes = serializeImageConfig(config);
    await syncStagedLayers(ctx, [staged]);
    return await withLock(ctx.paths.locks, imageStoreLock, async () => {
      const layers = await commitLayerChain(ctx, [{ diffId: staged.diffId, staged }]);
      const registered = await registerImage(ctx, {
        configBytes,
        config,
        layers,
        tags: target ? [target.canonical] : [],
        action: "import",
        attributes: target ? { name: target.familiar } : {},
      });
      return registered.id;
    });
  } finally {
    await discardStagedLayers([staged]);
  }
}
