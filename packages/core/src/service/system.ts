import type { ContainerService } from "./containers.js";
import type { ImageService } from "./images.js";
import type { NetworkService } from "./networks.js";

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

export interface SystemService {
  info(): Promise<SystemInfo>;
  version(): VersionInfo;
  /** Find (and with repair, fix) inconsistencies between database and disk. */
  check(options?: { repair?: boolean }): Promise<CheckProblem[]>;
  events(query?: EventQuery): AsyncIterable<BerthEvent>;
}

export interface BerthService {
  images: ImageService;
  containers: ContainerService;
  networks: NetworkService;
  system: SystemService;
  close(): Promise<void>;
}
