import type { BuildService } from "./builds.js";
import type { ContainerPruneResult, ContainerService, ContainerSummary } from "./containers.js";
import type { DiskUsageImage, ImagePruneResult, ImageService } from "./images.js";
import type { NetworkService } from "./networks.js";
import type { VolumePruneResult, VolumeService } from "./volumes.js";

export interface BerthEvent {
  /** Monotonic row id; `events --since` can also take a time. */
  seq: number;
  time: Date;
  /** Object type: "image" now; "container", "volume", "network" as their issues land. */
  type: string;
  /** What happened: "import", "load", "tag", "untag", "delete", "save", "pull"… */
  action: string;
  /** The object's id (image id, container id…). */
  objectId: string;
  /** Who did it: "cli:root", "console:alice", "monitor"… */
  actor: string;
  attributes: Record<string, string>;
}

export interface EventQuery {
  since?: Date;
  until?: Date;
  /** `type=image`, `event=tag`, `image=…`, docker's filter keys. */
  filters?: Record<string, string[]>;
  /** Keep listening for new events after the stored ones. */
  follow?: boolean;
  signal?: AbortSignal;
}

export interface SettingValue {
  value: string;
  /** Where the value came from: "default", "env BERTH_ROOT", "/etc/berth/config.toml"… */
  source: string;
}

export interface SystemInfo {
  settings: Record<string, SettingValue>;
  images: number;
  layers: number;
  storageDriver: string;
  cgroupVersion: string;
  kernelVersion: string;
  databaseProvider: "sqlite" | "postgresql";
  databaseSchemaVersion: string;
}

export interface VersionInfo {
  version: string;
  gitCommit: string;
  node: string;
  os: string;
  arch: string;
}

export interface CheckProblem {
  kind: string;
  description: string;
  repaired: boolean;
}

/** A container of `system df`: its summary with the read-write layer's size. */
export interface DiskUsageContainer extends ContainerSummary {
  sizeRw: number;
  localVolumes: number;
}

export interface DiskUsageVolume {
  name: string;
  /** Containers that mount it. */
  links: number;
  /** Bytes in its data dir. */
  size: number;
}

export interface DiskUsage {
  images: DiskUsageImage[];
  /** Bytes on disk for all layers, counted once. */
  layersSize: number;
  containers: DiskUsageContainer[];
  volumes: DiskUsageVolume[];
}

export interface SystemPruneOptions {
  /** Images without a container too, not only dangling ones. */
  all?: boolean;
  /** Also the anonymous volumes no container uses. */
  volumes?: boolean;
}

export interface SystemPruneResult {
  containers: ContainerPruneResult;
  volumes?: VolumePruneResult;
  images: ImagePruneResult;
  /** The sum of the three. */
  spaceReclaimed: number;
}

export interface SystemService {
  info(): Promise<SystemInfo>;
  version(): VersionInfo;
  /** Find (and with repair, fix) inconsistencies between database and disk. */
  check(options?: { repair?: boolean }): Promise<CheckProblem[]>;
  events(query?: EventQuery): AsyncIterable<BerthEvent>;
  /** docker system df: images, containers and local volumes. */
  diskUsage(): Promise<DiskUsage>;
  /** docker system prune: stopped containers, then unused volumes (with `volumes`), then images. */
  prune(options?: SystemPruneOptions): Promise<SystemPruneResult>;
}

export interface BerthService {
  images: ImageService;
  containers: ContainerService;
  volumes: VolumeService;
  builds: BuildService;
  networks: NetworkService;
  system: SystemService;
  close(): Promise<void>;
}
