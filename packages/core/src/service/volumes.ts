/**
 * The typed service surface for volumes: `volume create|ls|inspect|rm|prune`. Names, labels and
 * driver options arrive as the user typed them; the engine checks them with docker's rules.
 */

export interface VolumeCreateOptions {
  /** Empty or absent: a new anonymous volume named by 64 random hex digits, as docker does. */
  name?: string;
  /** `-d`: only "local" exists. */
  driver?: string;
  labels?: Record<string, string>;
  /** `-o key=value`: the local driver's `type`, `device`, `o`. */
  options?: Record<string, string>;
}

export interface VolumeSummary {
  name: string;
  driver: string;
  /** The volume's data dir on the host. */
  mountpoint: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  createdAt: Date;
  /** Made for an image VOLUME or a bare `-v /path` (docker's `com.docker.volume.anonymous`). */
  anonymous: boolean;
  /** How many containers mount it (docker's `Links`). */
  links: number;
}

export interface VolumeListOptions {
  /** docker's keys: dangling, name, label, driver. */
  filters?: Record<string, string[]>;
}

export interface VolumePruneOptions {
  /** docker 23+: without it only anonymous volumes go. */
  all?: boolean;
  /** `label=…`, `label!=…`. */
  filters?: Record<string, string[]>;
}

export interface VolumePruneResult {
  deleted: string[];
  spaceReclaimed: number;
}

export interface VolumeService {
  /** Creates the volume, or returns an existing one of that name untouched (docker's rule); its name. */
  create(options?: VolumeCreateOptions): Promise<string>;
  /** Sorted by name. */
  list(options?: VolumeListOptions): Promise<VolumeSummary[]>;
  /** Docker-shaped inspect object (CreatedAt, Driver, Labels, Mountpoint, Name, Options, Scope). */
  inspect(name: string): Promise<Record<string, unknown>>;
  /** Refuses a volume a container uses; `force` makes an unknown name no error. */
  remove(name: string, options?: { force?: boolean }): Promise<void>;
  /** Removes the volumes no container uses (only anonymous ones unless `all`). */
  prune(options?: VolumePruneOptions): Promise<VolumePruneResult>;
}
