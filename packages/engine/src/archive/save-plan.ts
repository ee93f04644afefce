import { MEDIA_TYPES, familiarName, parseReference, sha256Digest } from "@berth/core";
import { BLOCK } from "../layers/tar-format.js";

export interface SavedImage {
  id: string;
  configSize: number;
  layers: { diffId: string; size: number }[];
  /** Canonical names to record; empty when saved by ID. */
  tags: string[];
}

export interface PlannedBlob {
  digest: string;
  size: number;
  /** Generated content (manifests); stored blobs are read from disk. */
  bytes?: Uint8Array;
}

export interface SavePlan {
  blobs: PlannedBlob[];
  /** Top-level files in write order: index.json, manifest.json, oci-layout, repositories. */
  files: [string, Uint8Array][];
  /** Bytes of the whole archive. */
  size: number;
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** The whole archive except blob contents, as data: pure and deterministic. */
export function planSaveArchive(images: SavedImage[]): SavePlan {
  const blobs = new Map<string, PlannedBlob>();
  const index: unknown[] = [];
  const manifestJson: unknown[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const image of images) {
    blobs.set(image.id, { digest: image.id, size: image.configSize });
    for (const layer of image.layers) blobs.set(layer.diffId, { digest: layer.diffId, size: layer.size });
    const manifestBytes = encode({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, digest: image.id, size: image.configSize },
      layers: image.layers.map((layer) => ({ mediaType: MEDIA_TYPES.ociLayer, digest: layer.diffId, size: layer.size })),
    });
    const manifestDigest = sha256Digest(manifestBytes);
    blobs.set(manifestDigest, { digest: manifestDigest, size: manifestBytes.byteLength, bytes: manifestBytes });
    const descriptor = { mediaType: MEDIA_TYPES.ociManifest, digest: manifestDigest, size: manifestBytes.byteLength };
    if (image.tags.length === 0) index.push(descriptor);
    for (const tag of image.tags) {
      const ref = parseReference(tag);
      index.push({
        ...descriptor,
        annotations: { "io.containerd.image.name": ref.canonical, "org.opencontainers.image.ref.name": ref.tag ?? "latest" },
      });
      const top = image.layers.at(-1);
      if (top) (repositories[ref.familiarRepository] ??= {})[ref.tag ?? "latest"] = top.diffId.slice("sha256:".length);
    }
    manifestJson.push({
      Config: `blobs/sha256/${image.id.slice("sha256:".length)}`,
      RepoTags: image.tags.length > 0 ? image.tags.map(familiarName) : null,
      Layers: image.layers.map((layer) => `blobs/sha256/${layer.diffId.slice("sha256:".length)}`),
    });
  }
  const files: [string, Uint8Array][] = [
    ["index.json", encode({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: index })],
    ["manifest.json", new TextEncoder().encode(`${JSON.stringify(manifestJson)}\n`)],
    ["oci-layout", encode({ imageLayoutVersion: "1.0.0" })],
  ];
  if (Object.keys(repositories).length > 0) files.push(["repositories", encode(repositories)]);
  const entries = [...[...blobs.values()].map((blob) => blob.size), ...files.map(([, bytes]) => bytes.length)];
  // two directory headers, a header and padded data per entry, two zero blocks at the end
  const size = entries.reduce((sum, bytes) => sum + BLOCK + padded(bytes), 4 * BLOCK);
  return { blobs: [...blobs.values()].sort((a, b) => a.digest.localeCompare(b.digest)), files, size };
}

/** Bytes of an entry's data in the archive, padded to whole blocks. */
export function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}
