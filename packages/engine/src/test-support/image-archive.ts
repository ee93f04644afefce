import { createHash } from "node:crypto";
import { buildTar, type TarEntrySpec } from "./tar-builder.js";

// Image archives made by hand, the way `docker save` writes them, so tests control every byte:
// configs with history and labels, Parent links, the 20.10 per-layer-directory layout and the
// 25+ OCI layout. IDs and chain IDs are computed here independently of the engine.

export const sha256 = (data: Uint8Array | string): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;
export const hexOf = (digest: string): string => digest.slice("sha256:".length);

export interface HistorySpec {
  created_by?: string;
  comment?: string;
  empty_layer?: boolean;
  created?: string;
}

export interface ImageSpec {
  layers: Buffer[];
  /** Default: one non-empty entry per layer. Non-empty entries must pair with layers. */
  history?: HistorySpec[];
  labels?: Record<string, string>;
  created?: string;
  cmd?: string[];
  /** The image's VOLUME paths. */
  volumes?: string[];
}

export interface BuiltImage {
  id: string;
  configBytes: Buffer;
  diffIds: string[];
  chainIds: string[];
  layers: Buffer[];
}

const defaultCreated = "2024-01-02T03:04:05Z";

export function chainIdsOf(diffIds: string[]): string[] {
  const ids: string[] = [];
  for (const diffId of diffIds) ids.push(ids.length === 0 ? diffId : sha256(`${ids.at(-1)} ${diffId}`));
  return ids;
}

/** An image config (compact JSON, sorted top-level keys) over the given layer tars. */
export function makeImage(spec: ImageSpec): BuiltImage {
  const diffIds = spec.layers.map((layer) => sha256(layer));
  const created = spec.created ?? defaultCreated;
  const defaultHistory: HistorySpec[] = spec.layers.map((_, index) => ({ created_by: `/bin/sh -c #(nop) ADD file:layer${index} in / ` }));
  const history = (spec.history ?? defaultHistory).map(
    (entry) => ({ created: entry.created ?? created, ...entry }),
  );
  const config = {
    architecture: process.arch === "arm64" ? "arm64" : "amd64",
    config: {
      Cmd: spec.cmd ?? ["sh"], Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Labels: spec.labels ?? null,
      ...(spec.volumes === undefined ? {} : { Volumes: Object.fromEntries(spec.volumes.map((path) => [path, {}])) }),
    },
    created,
    history,
    os: "linux",
    rootfs: { type: "layers", diff_ids: diffIds },
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  return { id: sha256(configBytes), configBytes, diffIds, chainIds: chainIdsOf(diffIds), layers: spec.layers };
}

/** A one-file layer tar: `<dir>/<name>` holding `content`. */
export function fileLayer(path: string, content: string | Buffer): Promise<Buffer> {
  const parts = path.split("/");
  const dirs = parts.slice(0, -1).map((_, index) => ({ name: `${parts.slice(0, index + 1).join("/")}/`, type: "directory" as const }));
  return buildTar([...dirs, { name: path, content }]);
}

export interface ArchiveImage {
  image: BuiltImage;
  repoTags?: string[];
  /** Image ID written as manifest.json's `Parent`. */
  parent?: string;
}

/** Docker 20.10's layout: `<v1id>/layer.tar` per layer (a repeated diff is a symlink), `<id>.json`, manifest.json, repositories. */
export function legacyArchiveEntries(images: ArchiveImage[]): TarEntrySpec[] {
  const entries: TarEntrySpec[] = [];
  const firstPathOfDiff = new Map<string, string>();
  const written = new Set<string>();
  const manifest = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { image, repoTags, parent } of images) {
    const layerPaths: string[] = [];
    for (const [index, chainId] of image.chainIds.entries()) {
      const v1id = hexOf(sha256(`v1 ${chainId}`));
      const path = `${v1id}/layer.tar`;
      layerPaths.push(path);
      if (written.has(v1id)) continue;
      written.add(v1id);
      entries.push({ name: `${v1id}/`, type: "directory" });
      entries.push({ name: `${v1id}/VERSION`, content: "1.0" });
      entries.push({ name: `${v1id}/json`, content: JSON.stringify({ id: v1id, layer_id: chainId }) });
      const diffId = image.diffIds[index]!;
      const first = firstPathOfDiff.get(diffId);
      if (first) entries.push({ name: path, type: "symlink", linkname: `../${first}` });
      else entries.push({ name: path, content: image.layers[index]! });
      firstPathOfDiff.set(diffId, first ?? path);
    }
    entries.push({ name: `${hexOf(image.id)}.json`, content: image.configBytes });
    manifest.push({ Config: `${hexOf(image.id)}.json`, RepoTags: repoTags ?? null, Layers: layerPaths, ...(parent ? { Parent: parent } : {}) });
    for (const tag of repoTags ?? []) {
      const at = tag.lastIndexOf(":");
      (repositories[tag.slice(0, at)] ??= {})[tag.slice(at + 1)] = hexOf(sha256(`v1 ${image.chainIds.at(-1)}`));
    }
  }
  entries.push({ name: "manifest.json", content: `${JSON.stringify(manifest)}\n` });
  if (Object.keys(repositories).length > 0) entries.push({ name: "repositories", content: JSON.stringify(repositories) });
  return entries;
}

/**
 * Docker 25+'s layout: blobs/sha256 with configs, layers and OCI manifests, index.json and
 * oci-layout, plus manifest.json unless `ociOnly` (then tags come from index annotations only).
 */
export function ociArchiveEntries(images: ArchiveImage[], options: { ociOnly?: boolean } = {}): TarEntrySpec[] {
  const blobs = new Map<string, Buffer>();
  const index = [];
  const manifest = [];
  for (const { image, repoTags, parent } of images) {
    blobs.set(image.id, image.configBytes);
    image.layers.forEach((layer, position) => blobs.set(image.diffIds[position]!, layer));
    const manifestBytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: image.id, size: image.configBytes.length },
        layers: image.layers.map((layer, position) => ({
          mediaType: "application/vnd.oci.image.layer.v1.tar",
          digest: image.diffIds[position],
          size: layer.length,
        })),
      }),
    );
    const manifestDigest = sha256(manifestBytes);
    blobs.set(manifestDigest, manifestBytes);
    const descriptor = { mediaType: "application/vnd.oci.image.manifest.v1+json", digest: manifestDigest, size: manifestBytes.length };
    if (!repoTags?.length) index.push(descriptor);
    for (const tag of repoTags ?? []) {
      const full = tag.includes("/") ? tag : `docker.io/library/${tag}`;
      index.push({ ...descriptor, annotations: { "io.containerd.image.name": full, "org.opencontainers.image.ref.name": tag.slice(tag.lastIndexOf(":") + 1) } });
    }
    manifest.push({
      Config: `blobs/sha256/${hexOf(image.id)}`,
      RepoTags: repoTags ?? null,
      Layers: image.diffIds.map((diffId) => `blobs/sha256/${hexOf(diffId)}`),
      ...(parent ? { Parent: parent } : {}),
    });
  }
  const entries: TarEntrySpec[] = [
    { name: "blobs/", type: "directory" },
    { name: "blobs/sha256/", type: "directory" },
    ...[...blobs].map(([digest, content]) => ({ name: `blobs/sha256/${hexOf(digest)}`, content })),
    { name: "index.json", content: JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: index }) },
    { name: "oci-layout", content: JSON.stringify({ imageLayoutVersion: "1.0.0" }) },
  ];
  if (!options.ociOnly) entries.push({ name: "manifest.json", content: `${JSON.stringify(manifest)}\n` });
  return entries;
}

export const legacyArchive = (images: ArchiveImage[]): Promise<Buffer> => buildTar(legacyArchiveEntries(images));
export const ociArchive = (images: ArchiveImage[], options?: { ociOnly?: boolean }): Promise<Buffer> =>
  buildTar(ociArchiveEntries(images, options));
