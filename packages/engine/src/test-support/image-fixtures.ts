import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthService } from "@berth/core";
import { bytesOf } from "./tar-builder.js";
import { fileLayer, legacyArchive, makeImage, type BuiltImage, type ImageSpec } from "./image-archive.js";

/**
 * Three images chained like a classic build: base (ADD) ← withCmd (CMD, empty layer) ← app (RUN,
 * a second layer), each recording its parent, only `app` tagged. Loaded from one docker 20.10
 * style archive whose manifest.json carries `Parent`.
 */
export interface BuildChain {
  base: BuiltImage;
  withCmd: BuiltImage;
  app: BuiltImage;
  archive: Buffer;
}

export async function makeBuildChain(options: { tag?: string; labels?: Record<string, string>; seed?: string } = {}): Promise<BuildChain> {
  const seed = options.seed ?? "chain";
  const l0 = await fileLayer("etc/base", `base layer ${seed}\n`);
  const l1 = await fileLayer("app/run.txt", `made by RUN ${seed}\n`.repeat(64));
  const add = { created_by: `/bin/sh -c #(nop) ADD file:${seed} in / `, created: "2024-01-01T00:00:00Z" };
  const cmd = { created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true, created: "2024-01-01T00:00:01Z" };
  const run = { created_by: "/bin/sh -c echo app > /app/run.txt", created: "2024-01-01T00:00:02Z" };
  const base = makeImage({ layers: [l0], history: [add], created: add.created });
  const withCmd = makeImage({ layers: [l0], history: [add, cmd], created: cmd.created });
  const app = makeImage({ layers: [l0, l1], history: [add, cmd, run], created: run.created, labels: options.labels });
  const archive = await legacyArchive([
    { image: base },
    { image: withCmd, parent: base.id },
    { image: app, parent: withCmd.id, repoTags: [options.tag ?? "localhost/app:v1"] },
  ]);
  return { base, withCmd, app, archive };
}

/** A one-layer image (one file with `content`) loaded under `tags` (none: untagged). */
export async function loadSimpleImage(
  engine: BerthService,
  content: string,
  options: { tags?: string[] } & Omit<ImageSpec, "layers"> = {},
): Promise<BuiltImage> {
  const { tags, ...spec } = options;
  const image = makeImage({ ...spec, layers: [await fileLayer("data/file.txt", content)] });
  await engine.images.load({ kind: "stream", stream: bytesOf(await legacyArchive([{ image, repoTags: tags ?? [] }])) });
  return image;
}

/** What images.save writes, as one buffer (each chunk copied: save reuses its buffer). */
export async function saveArchive(engine: BerthService, references: string[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await engine.images.save(references, { write: (chunk) => void chunks.push(Buffer.from(chunk)) });
  return Buffer.concat(chunks);
}

export async function loadArchive(engine: BerthService, archive: Uint8Array) {
  return engine.images.load({ kind: "stream", stream: bytesOf(archive) });
}

/** Loads an archive as `load -i FILE` does: from a file, which load reads in place. */
export async function loadArchiveFile(engine: BerthService, archive: Uint8Array) {
  const dir = await mkdtemp(join(tmpdir(), "berth-archive-"));
  try {
    await writeFile(join(dir, "image.tar"), archive);
    return await engine.images.load({ kind: "file", path: join(dir, "image.tar") });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Each stored image's size (the sum of its layers' sizes, however the engine measures a layer).
 * Tests derive one layer's size from two images differing by that layer, so they hold whether
 * a layer counts its tar bytes or, like docker, its extracted content.
 */
export async function imageSizes(engine: BerthService): Promise<Map<string, number>> {
  return new Map((await engine.images.list({ all: true })).map((image) => [image.id, image.size]));
}
