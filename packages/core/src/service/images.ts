/**
 * The typed service surface for images. The CLI (and later the API and SDK) only ever talk to
 * this interface; packages/engine implements it locally, a remote client can implement it later.
 * Byte streams are AsyncIterable<Uint8Array> so that both a file and an HTTP body can carry them.
 */

export interface Progress {
  /** What is being done, e.g. "Loading layer", "Writing". */
  phase: string;
  /** Short id of the object being worked on, when there is one. */
  id?: string;
  current: number;
  total?: number;
}

export type ProgressListener = (progress: Progress) => void;

export interface ImageSummary {
  /** sha256:<hex> of the config bytes. */
  id: string;
  /** Familiar names with tags, e.g. "busybox:latest"; empty for an untagged image. */
  repoTags: string[];
  /** Familiar names with digests, e.g. "busybox@sha256:…". */
  repoDigests: string[];
  /** Local parent image id (classic build/commit), or "" */
  parentId: string;
  /** Image creation time from its config. */
  created: Date;
  /** Sum of the uncompressed sizes of the image's layers, in bytes. */
  size: number;
  /** Number of images whose parent this is (so `images` can hide intermediates). */
  childCount: number;
  labels: Record<string, string>;
}

export interface ImageListOptions {
  /** Include untagged intermediate images (`images -a`). */
  all?: boolean;
  /** `dangling=true|false` filter. */
  dangling?: boolean;
  /** `reference=` filters and the positional REPO[:TAG] argument: docker-style patterns. */
  references?: string[];
  /** `label=key` or `label=key=value` filters. */
  labels?: string[];
}

export interface ImageHistoryRow {
  /** sha256:<hex> for rows that are a stored image, else "<missing>". */
  id: string;
  created: Date;
  createdBy: string;
  /** Familiar tags of the image of this row, or empty. */
  tags: string[];
  size: number;
  comment: string;
  emptyLayer: boolean;
}

export type ImageRemoveResult = { untagged: string } | { deleted: string };

export interface ImageRemoveOptions {
  force?: boolean;
  noPrune?: boolean;
}

export interface ImagePruneResult {
  results: ImageRemoveResult[];
  spaceReclaimed: number;
}

export type ByteSource =
  | { kind: "file"; path: string }
  | { kind: "url"; url: string }
  | { kind: "stream"; stream: AsyncIterable<Uint8Array> };

/**
 * Where a save writes: each chunk may be a view of a buffer the writer reuses once write
 * returns, or once its promise resolves (so a synchronous write costs no copy).
 */
export interface ByteSink {
  write(chunk: Uint8Array): void | Promise<void>;
}

export interface ImageImportOptions {
  /** REPO[:TAG] to tag the result with. */
  reference?: string;
  /** Dockerfile lines applied to the empty config (`-c/--change`). */
  changes?: string[];
  /** History comment (`-m/--message`); default `Imported from <src>`. */
  message?: string;
  onProgress?: ProgressListener;
}

export interface ImageLoadResult {
  /** Lines as docker prints them: `Loaded image: busybox:latest` or `Loaded image ID: sha256:…`. */
  messages: string[];
  imageIds: string[];
}

export interface ImageLoadOptions {
  onProgress?: ProgressListener;
}

export interface ImageSaveOptions {
  onProgress?: ProgressListener;
}

export interface DiskUsageImage {
  id: string;
  repoTags: string[];
  created: Date;
  size: number;
  sharedSize: number;
  uniqueSize: number;
  containers: number;
}

export interface ImageService {
  list(options?: ImageListOptions): Promise<ImageSummary[]>;
  /** Docker-shaped inspect object (see docs/architecture.md). */
  inspect(reference: string): Promise<Record<string, unknown>>;
  history(reference: string): Promise<ImageHistoryRow[]>;
  tag(source: string, target: string): Promise<void>;
  remove(reference: string, options?: ImageRemoveOptions): Promise<ImageRemoveResult[]>;
  prune(options?: { all?: boolean }): Promise<ImagePruneResult>;
  import(source: ByteSource, options?: ImageImportOptions): Promise<string>;
  save(references: string[], output: ByteSink, options?: ImageSaveOptions): Promise<void>;
  load(source: ByteSource, options?: ImageLoadOptions): Promise<ImageLoadResult>;
}
