/**
 * The typed service surface for containers: what `create`, `run`, `ps`, `stop`… call. Values
 * arrive as the user typed them (docker's flag texts); the engine validates them with core's
 * parsers, so the CLI, the console and the SDK share one set of rules and error texts.
 */

export interface ContainerCreateOptions {
  /** Image reference or ID as typed; never resolved against a registry when pull is "never". */
  image: string;
  name?: string;
  /** Command after the image (`run IMAGE [COMMAND] [ARG…]`). */
  cmd?: string[];
  /** `--entrypoint`; "" clears the image's entrypoint. */
  entrypoint?: string;
  /** `-e K=V` or `-e K` (value from the caller's environment, resolved by the caller). */
  env?: string[];
  /** Contents of the `--env-file` files, in order (the caller reads them). */
  envFiles?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  labels?: Record<string, string>;
  /** Contents of the `--label-file` files, in order. */
  labelFiles?: string[];
  tty?: boolean;
  openStdin?: boolean;
  init?: boolean;
  /** `-d`: nothing is attached (Config.AttachStdout/AttachStderr false). */
  detach?: boolean;
  /** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
  restart?: string;
  autoRemove?: boolean;
  stopSignal?: string;
  /** `--stop-timeout` seconds; -1 waits forever. */
  stopTimeout?: number | string;
  readOnly?: boolean;
  /** `--tmpfs /path[:opts]` texts. */
  tmpfs?: string[];
  capAdd?: string[];
  capDrop?: string[];
  privileged?: boolean;
  /** `--security-opt` texts, e.g. `no-new-privileges`. */
  securityOpt?: string[];
  memory?: string;
  memorySwap?: string;
  cpus?: string;
  cpuShares?: number | string;
  pidsLimit?: number | string;
  /** `--shm-size` text, e.g. `128m`. */
  shmSize?: string;
  oomScoreAdj?: number | string;
  /** `-v` texts. */
  volumes?: string[];
  /** `--mount` texts. */
  mounts?: string[];
}

export type ContainerStateName = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ContainerSummary {
  id: string;
  /** Without docker's leading slash. */
  name: string;
  /** What the user typed for the image. */
  image: string;
  imageId: string;
  command: string;
  created: Date;
  state: ContainerStateName;
  /** docker's STATUS column text, e.g. "Up 5 minutes", "Exited (137) 3 seconds ago". */
  status: string;
  exitCode: number;
  labels: Record<string, string>;
  /** Bytes in the read-write layer, with `size`. */
  sizeRw?: number;
  /** Bytes of the image plus the read-write layer, with `size`. */
  sizeRootFs?: number;
}

export interface ContainerListOptions {
  all?: boolean;
  /** `-n N` / `-l`: the N most recently created, stopped ones included. */
  last?: number;
  size?: boolean;
  /** docker's filter keys: status, name, ancestor, label, exited, id. */
  filters?: Record<string, string[]>;
}

/** Streams of an attached client; chunks are raw bytes, stdout and stderr kept apart. */
export interface AttachStreams {
  stdin?: AsyncIterable<Uint8Array>;
  stdout: (chunk: Uint8Array) => void;
  stderr: (chunk: Uint8Array) => void;
  /** The terminal's size when attaching (`-t`), so the process starts with it. */
  size?: { rows: number; cols: number };
  /** Terminal size changes for `-t`: rows and columns. */
  resize?: AsyncIterable<{ rows: number; cols: number }>;
  /** Detach (docker's detach keys): stop relaying and leave the container running; start resolves undefined. */
  detach?: AbortSignal;
}

export interface LogEntry {
  stream: "stdout" | "stderr";
  time: Date;
  /** The stored RFC 3339 time with nanoseconds (`logs -t` prints this; a Date keeps milliseconds). */
  timestamp: string;
  /** The line's bytes, its "\n" included (a partial line has none). */
  line: Uint8Array;
}

export interface LogOptions {
  follow?: boolean;
  /** Last N lines only (`--tail`). */
  tail?: number;
  since?: Date;
  until?: Date;
  signal?: AbortSignal;
}

/** What `system boot` did, container IDs in creation order. */
export interface BootReport {
  /** Runs found over (monitor gone) and recorded Exited. */
  recorded: string[];
  /** Started again by their restart policy. */
  restarted: string[];
  /** --rm containers that stay down, removed. */
  removed: string[];
  failed: Array<{ id: string; message: string }>;
}

export interface ContainerService {
  create(options: ContainerCreateOptions): Promise<{ id: string; warnings: string[] }>;
  /**
   * Start; with attach, stream the process's I/O from its first byte until it exits and return its
   * exit code (then an `--rm` container is already removed).
   */
  start(idOrName: string, attach?: AttachStreams): Promise<number | undefined>;
  list(options?: ContainerListOptions): Promise<ContainerSummary[]>;
  /** Docker-shaped inspect object. */
  inspect(idOrName: string): Promise<Record<string, unknown>>;
  /** Stop signal, wait `timeout` seconds (default the container's, else 10), then SIGKILL. */
  stop(idOrName: string, options?: { timeout?: number; signal?: string }): Promise<void>;
  kill(idOrName: string, signal?: string): Promise<void>;
  pause(idOrName: string): Promise<void>;
  unpause(idOrName: string): Promise<void>;
  restart(idOrName: string, options?: { timeout?: number }): Promise<void>;
  remove(idOrName: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  /** Wait for the container to exit; its exit code. */
  wait(idOrName: string): Promise<number>;
  logs(idOrName: string, options?: LogOptions): AsyncIterable<LogEntry>;
  /**
   * The monitor's exit command (`berth container cleanup <id>`): record the exit, unmount, free the
   * cgroup and network namespace, then honour --rm and the restart policy. Idempotent; an unknown
   * (already removed) container is not an error.
   */
  cleanup(idOrName: string): Promise<void>;
  /**
   * At host start-up (`berth system boot`, from infra's boot unit), as docker's daemon restores:
   * record what died, start what the restart policies want running, remove --rm leftovers.
   */
  boot(): Promise<BootReport>;
}
