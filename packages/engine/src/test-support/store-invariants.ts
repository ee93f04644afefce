import { access, readdir } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { BerthService, ImageSummary } from "@berth/core";
import { chainIdsOf, hexOf } from "./image-archive.js";

export interface StoreContents {
  images: ImageSummary[];
  /** Chain-id hexes of layers/<hex> directories on disk. */
  layerDirs: string[];
  /** Digests of blobs/sha256/<hex> on disk. */
  blobs: string[];
  /** Chain-id hexes of layers whose tar is kept as a split record (layers/<hex>/tar-split). */
  splits: string[];
  /** Entries of <root>/tmp (staging). */
  staging: string[];
}

const list = (dir: string) => readdir(dir).then((names) => names.sort(), () => [] as string[]);

export async function readStore(engine: BerthService, root: string): Promise<StoreContents> {
  const layerDirs = (await list(join(root, "layers"))).filter((name) => /^[0-9a-f]{64}$/.test(name));
  const hasSplit = (hex: string) => access(join(root, "layers", hex, "tar-split")).then(() => true, () => false);
  const splits = [];
  for (const hex of layerDirs) if (await hasSplit(hex)) splits.push(hex);
  return {
    images: await engine.images.list({ all: true }),
    layerDirs,
    blobs: (await list(join(root, "blobs", "sha256"))).map((hex) => `sha256:${hex}`),
    splits,
    staging: await list(join(root, "tmp")),
  };
}

/**
 * The store holds exactly what its images need: no staging left, `system check` finds nothing,
 * one layer directory per chain any image uses (no leaked or missing layers), one blob per
 * config and per layer tar not kept as a split record, one short link per layer.
 */
export async function expectConsistentStore(engine: BerthService, root: string): Promise<StoreContents> {
  const store = await readStore(engine, root);
  expect(store.staging).toEqual([]);
  expect(await engine.system.check()).toEqual([]);
  const chains = new Set<string>();
  const blobs = new Set<string>();
  for (const image of store.images) {
    const inspected = await engine.images.inspect(image.id);
    const diffIds = (inspected.RootFS as { Layers: string[] }).Layers;
    blobs.add(image.id);
    for (const [index, chainId] of chainIdsOf(diffIds).entries()) {
      chains.add(hexOf(chainId));
      if (!store.splits.includes(hexOf(chainId))) blobs.add(diffIds[index]!);
    }
  }
  expect(store.layerDirs).toEqual([...chains].sort());
  expect(store.blobs).toEqual([...blobs].sort());
  expect(await list(join(root, "layers", "l"))).toHaveLength(chains.size);
  return store;
}
