import * as z from "zod";
import { digestSchema } from "./oci.js";
import { absent, parseJsonBytes } from "./zod-helpers.js";

/** Media types of formats.md §6.2. */
export const MEDIA_TYPES = {
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerConfig: "application/vnd.docker.container.image.v1+json",
  dockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  dockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayer: "application/vnd.oci.image.layer.v1.tar",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  ociLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  ociEmpty: "application/vnd.oci.empty.v1+json",
} as const;

/** index.json annotation with the full reference (`docker.io/library/busybox:latest`). */
export const ANNOTATION_IMAGE_NAME = "io.containerd.image.name";
/** index.json annotation with the tag only (`latest`). */
export const ANNOTATION_REF_NAME = "org.opencontainers.image.ref.name";
export const OCI_LAYOUT_VERSION = "1.0.0";

export const ociPlatformSchema = z
  .object({
    architecture: z.string(),
    os: z.string(),
    "os.version": absent(z.string()),
    "os.features": absent(z.array(z.string())),
    variant: absent(z.string()),
    features: absent(z.array(z.string())),
  })
  .loose();

export const ociDescriptorSchema = z
  .object({
    mediaType: z.string(),
    digest: digestSchema,
    size: z.number().int().nonnegative(),
    urls: absent(z.array(z.string())),
    annotations: absent(z.record(z.string(), z.string())),
    data: absent(z.string()),
    artifactType: absent(z.string()),
    platform: absent(ociPlatformSchema),
  })
  .loose();

/** An OCI image manifest or a Docker schema 2 manifest (same shape). */
export const ociManifestSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: absent(z.enum([MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest])),
    artifactType: absent(z.string()),
    config: ociDescriptorSchema,
    layers: z.preprocess((value) => value ?? [], z.array(ociDescriptorSchema)),
    subject: absent(ociDescriptorSchema),
    annotations: absent(z.record(z.string(), z.string())),
  })
  .loose();

/** An OCI image index or a Docker manifest list. */
export const ociIndexSchema = z
  .object({
    schemaVersion: z.literal(2),
    mediaType: absent(z.enum([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList])),
    artifactType: absent(z.string()),
    manifests: z.preprocess((value) => value ?? [], z.array(ociDescriptorSchema)),
    subject: absent(ociDescriptorSchema),
    annotations: absent(z.record(z.string(), z.string())),
  })
  .loose();

/** The `oci-layout` file of an OCI image layout. */
export const ociLayoutSchema = z.object({ imageLayoutVersion: z.string() }).loose();

/** One entry of the `manifest.json` array that `docker save` writes and `docker load` reads. */
export const dockerArchiveEntrySchema = z
  .object({
    Config: z.string(),
    /** Familiar `name:tag` strings; null when the image was saved by ID. */
    RepoTags: z.preprocess((value) => value ?? null, z.array(z.string()).nullable()),
    Layers: z.preprocess((value) => value ?? [], z.array(z.string())),
    Parent: absent(z.string()),
    LayerSources: absent(z.record(z.string(), ociDescriptorSchema)),
  })
  .loose();

export const dockerArchiveManifestSchema = z.array(dockerArchiveEntrySchema);

export type OciPlatform = z.infer<typeof ociPlatformSchema>;
export type OciDescriptor = z.infer<typeof ociDescriptorSchema>;
export type OciManifest = z.infer<typeof ociManifestSchema>;
export type OciIndex = z.infer<typeof ociIndexSchema>;
export type OciLayout = z.infer<typeof ociLayoutSchema>;
export type DockerArchiveEntry = z.infer<typeof dockerArchiveEntrySchema>;
export type DockerArchiveManifest = z.infer<typeof dockerArchiveManifestSchema>;

/** Parses manifest bytes; throws DATA_CORRUPTED `invalid image manifest: …`. */
export function parseOciManifest(bytes: Uint8Array | string): OciManifest {
  return parseJsonBytes(ociManifestSchema, bytes, "image manifest");
}

/** Parses index / manifest list bytes; throws DATA_CORRUPTED `invalid image index: …`. */
export function parseOciIndex(bytes: Uint8Array | string): OciIndex {
  return parseJsonBytes(ociIndexSchema, bytes, "image index");
}

/** Parses a save archive's `manifest.json`; throws DATA_CORRUPTED `invalid manifest.json: …`. */
export function parseDockerArchiveManifest(bytes: Uint8Array | string): DockerArchiveManifest {
  return parseJsonBytes(dockerArchiveManifestSchema, bytes, "manifest.json");
}
