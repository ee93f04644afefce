import * as z from "zod";
import { isDigest } from "./digest.js";
import { absent, parseJsonBytes, setSchema, strSliceSchema } from "./zod-helpers.js";

/** A `sha256:<hex>` (or other registered algorithm) digest string. */
export const digestSchema = z.string().refine(isDigest, { message: "invalid digest" });

/** Docker's HealthConfig; durations in nanoseconds. Test: [] inherit, ["NONE"], ["CMD", …], ["CMD-SHELL", cmd]. */
export const healthConfigSchema = z
  .object({
    Test: absent(z.array(z.string())),
    Interval: absent(z.number()),
    Timeout: absent(z.number()),
    StartPeriod: absent(z.number()),
    StartInterval: absent(z.number()),
    Retries: absent(z.number()),
  })
  .loose();

/** The `config` (and docker's `container_config`) object of an image config. */
export const containerConfigSchema = z
  .object({
    Hostname: absent(z.string()),
    Domainname: absent(z.string()),
    User: absent(z.string()),
    AttachStdin: absent(z.boolean()),
    AttachStdout: absent(z.boolean()),
    AttachStderr: absent(z.boolean()),
    ExposedPorts: absent(setSchema),
    Tty: absent(z.boolean()),
    OpenStdin: absent(z.boolean()),
    StdinOnce: absent(z.boolean()),
    Env: absent(z.array(z.string())),
    Cmd: absent(strSliceSchema),
    Healthcheck: absent(healthConfigSchema),
    ArgsEscaped: absent(z.boolean()),
    Image: absent(z.string()),
    Volumes: absent(setSchema),
    WorkingDir: absent(z.string()),
    Entrypoint: absent(strSliceSchema),
    NetworkDisabled: absent(z.boolean()),
    MacAddress: absent(z.string()),
    OnBuild: absent(z.array(z.string())),
    Labels: absent(z.record(z.string(), z.string())),
    StopSignal: absent(z.string()),
    StopTimeout: absent(z.number()),
    Shell: absent(strSliceSchema),
    Memory: absent(z.number()),
    MemorySwap: absent(z.number()),
    CpuShares: absent(z.number()),
  })
  .loose();

/** One `history` entry; `empty_layer` entries have no `rootfs.diff_ids` entry. */
export const historyEntrySchema = z
  .object({
    created: absent(z.string()),
    author: absent(z.string()),
    created_by: absent(z.string()),
    comment: absent(z.string()),
    empty_layer: absent(z.boolean()),
  })
  .loose();

export const rootFsSchema = z
  .object({
    type: z.literal("layers"),
    diff_ids: z.preprocess((value) => value ?? [], z.array(digestSchema)),
  })
  .loose();

/** An OCI / Docker image config (formats.md §1). Unknown fields are kept, null means absent. */
export const imageConfigSchema = z
  .object({
    architecture: z.string(),
    os: z.string(),
    variant: absent(z.string()),
    "os.version": absent(z.string()),
    "os.features": absent(z.array(z.string())),
    created: absent(z.string()),
    author: absent(z.string()),
    config: absent(containerConfigSchema),
    container_config: absent(containerConfigSchema),
    container: absent(z.string()),
    docker_version: absent(z.string()),
    comment: absent(z.string()),
    parent: absent(z.string()),
    rootfs: rootFsSchema,
    history: absent(z.array(historyEntrySchema)),
  })
  .loose();

export type HealthConfig = z.infer<typeof healthConfigSchema>;
export type ContainerConfig = z.infer<typeof containerConfigSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type RootFs = z.infer<typeof rootFsSchema>;
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/**
 * Parses image config bytes (never re-serialize them: the image ID is the hash of these bytes).
 * Throws DATA_CORRUPTED `invalid image config: <field>: <problem>`.
 */
export function parseImageConfig(bytes: Uint8Array | string): ImageConfig {
  return parseJsonBytes(imageConfigSchema, bytes, "image config");
}
