import type { PublishedPort } from "../network/port-specs.js";

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
  /**
   * `--network` texts: bridge (default), host, none, container:NAME, a network's name, or
   * `name=NET,alias=A,ip=IP,mac-address=M`; several user networks may be given.
   */
  network?: string[];
  /** `-p` texts: `[ip:][hostPort:]containerPort[/proto]`, ranges allowed. */
  publish?: string[];
  /** `-P`: every exposed port on a random host port. */
  publishAll?: boolean;
  /** `--network-alias`: names on the `--network` (a user network). */
  networkAliases?: string[];
  /** `--ip`: a fixed IPv4 address on the `--network` (a user network with a given subnet). */
  ip?: string;
  /** `--mac-address`: the MAC on the `--network` (a unicast address). */
  macAddress?: string;
  /** `--add-host NAME:IP` texts (IP may be `host-gateway`). */
  addHosts?: string[];
  /** `--dns`, `--dns-search`, `--dns-option`: the container's resolv.conf. */
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
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
  /** docker's PORTS column text, e.g. "0.0.0.0:9020->8000/tcp". */
  ports: string;
  /** Bytes in the read-write layer, with `size`. */
  sizeRw?: number;
  /** Bytes of the image plus the read-write layer, with `size`. */
  sizeRootFs?: number;
  /** How many volumes it mounts, where the caller asked for it (`system df`). */
  localVolumes?: number;
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

export interface ContainerPruneResult {
  /** Full IDs of the removed containers. */
  deleted: string[];
  /** Bytes of their read-write layers. */
  spaceReclaimed: number;
}


/** One line of `diff`: A added, C changed, D deleted, with the path inside the container. */
export interface ContainerChange {
  kind: "A" | "C" | "D";
  path: string;
}

/** docker's ContainerPathStat: what `cp` learns about a path inside a container. */
export interface ContainerPathStat {
  name: string;
  size: number;
  /** st_mode: file type and permission bits. */
  mode: number;
  mtime: Date;
  isDirectory: boolean;
  /** For a symlink: the absolute path inside the container it finally leads to; "" otherwise. */
  linkTarget: string;
}

export interface ContainerExtractOptions {
  /** `cp -a`: the container's user (Config.User) owns the files; otherwise the archive's uid/gid are kept, as in docker. */
  copyUidGid?: boolean;
  /** Renames the archive's first path component ("" puts its contents in the directory), docker cp's rebase. */
  rename?: { from: string; to: string };
}


export interface ContainerCommitOptions {
  /** REPO[:TAG] for the new image. */
  reference?: string;
  /** `-m`: the history row's comment. */
  message?: string;
  /** `-a`: the image's author. */
  author?: string;
  /** `-c`: Dockerfile instructions applied to the container's config. */
  changes?: string[];
  /** `-p`: freeze a running container meanwhile (default true). */
  pause?: boolean;
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

export interface ContainerService extends ContainerProcessService {
  create(options: ContainerCreateOptions): Promise<{ id: string; warnings: string[] }>;
  /**
   * Start; with attach, stream the process's I/O from its first byte until it exits and return its
   * exit code (then an `--rm` container is already removed).
   */
  start(idOrName: string, attach?: AttachStreams): Promise<number | undefined>;
  list(options?: ContainerListOptions): Promise<ContainerSummary[]>;
  /** The host ports a running container holds (none once it stopped), for `port`. */
  ports(idOrName: string): Promise<PublishedPort[]>;
  /** Docker-shaped inspect object. */
  inspect(idOrName: string): Promise<Record<string, unknown>>;
  /** Stop signal, wait `timeout` seconds (default the container's, else 10), then SIGKILL. */
  stop(idOrName: string, options?: { timeout?: number; signal?: string }): Promise<void>;
  kill(idOrName: string, signal?: string): Promise<void>;
  pause(idOrName: string): Promise<void>;
  unpause(idOrName: string): Promise<void>;
  restart(idOrName: string, options?: { timeout?: number }): Promise<void>;
  remove(idOrName: string, options?: { force?: boolean; volumes?: boolean }): Promise<void>;
  /** docker rename: running or not; the name checked like `--name`, unique on the node. */
  rename(idOrName: string, newName: string): Promise<void>;
  /** Remove every container that is not running (docker's filters: until, label, label!). */
  prune(options?: { filters?: Record<string, string[]> }): Promise<ContainerPruneResult>;
  /** Wait for the container to exit; its exit code. */
  wait(idOrName: string): Promise<number>;
  logs(idOrName: string, options?: LogOptions): AsyncIterable<LogEntry>;
  /**
   * The monitor's exit command (`berth container cleanup <id>`): record the exit, unmount, free the
   * cgroup and network namespace, then honour --rm and the restart policy. Idempotent; an unknown
   * (already removed) container is not an error.
   */
  cleanup(idOrName: string): Promise<void>;
  /** docker diff: the read-write layer's changes (never the init layer's files), parents first. */
  diff(idOrName: string): Promise<ContainerChange[]>;
  /** docker export: a flat tar of the root filesystem, without volumes or the container's mounts. */
  export(idOrName: string): AsyncIterable<Uint8Array>;
  /** docker cp's stat of a path inside the container (its mount namespace while it runs). NOT_FOUND when missing. */
  statPath(idOrName: string, path: string): Promise<ContainerPathStat>;
  /** docker cp's archive of a path inside the container: entries start with its base name. */
  archivePath(idOrName: string, path: string): AsyncIterable<Uint8Array>;
  /** docker cp's extraction of a tar into the directory `path` inside the container. */
  extractToPath(idOrName: string, path: string, tar: AsyncIterable<Uint8Array>, options?: ContainerExtractOptions): Promise<void>;
  /** The read-write layer as a new image on the container's image; its ID. */
  commit(idOrName: string, options?: ContainerCommitOptions): Promise<string>;
  /**
   * At host start-up (`berth system boot`, from infra's boot unit), as docker's daemon restores:
   * record what died, start what the restart policies want running, remove --rm leftovers.
   */
  boot(): Promise<BootReport>;
}

/** `exec`: a process in a running container. Values as typed, like ContainerCreateOptions. */
export interface ContainerExecOptions {
  cmd: string[];
  /** `-d`: start it and return at once; its output is discarded. */
  detach?: boolean;
  /** `-i`: keep its stdin open, fed from `streams.stdin`. */
  interactive?: boolean;
  /** `-t`: a pty in the container's devpts. */
  tty?: boolean;
  /** `-e K=V` entries, env files already read and resolved by the caller (parseEnvOptions). */
  env?: string[];
  workingDir?: string;
  /** `-u user[:group]`; the container's user when absent. */
  user?: string;
  privileged?: boolean;
}

/** One line of `top`: docker's Titles and the rows of the container's processes. */
export interface ContainerTop {
  titles: string[];
  processes: string[][];
}

/** One container's figures in `stats`, computed like docker's CLI from two samples. */
export interface ContainerStatsEntry {
  id: string;
  name: string;
  /** False for a container that does not run: every figure is then 0. */
  isRunning: boolean;
  cpuPercent: number;
  memoryUsage: number;
  /** Bytes: the cgroup's limit, else the host's memory (as docker shows it). */
  memoryLimit: number;
  memoryPercent: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  pids: number;
}

export interface ContainerStatsOptions {
  /** Names or IDs; all running containers (all containers with `all`) when empty. */
  containers?: string[];
  all?: boolean;
  /** Keep sampling until `signal` aborts; otherwise yield one set (two samples apart). */
  stream?: boolean;
  /** Milliseconds between samples (docker: 1 s). */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** `exec`, `attach`, `top` and `stats`: the running container's side of the service. */
export interface ContainerProcessService {
  /**
   * Runs a process in the running container (cgroups joined first, then its namespaces and root,
   * its capabilities, env merged with `env`) and returns its exit code (126/127 when the command
   * cannot run); with `detach`, undefined once it has started.
   */
  exec(idOrName: string, options: ContainerExecOptions, streams?: AttachStreams): Promise<number | undefined>;
  /** Attach to the running container's streams (or pty) until it exits (its code) or detaches (undefined). */
  attach(idOrName: string, streams: AttachStreams): Promise<number | undefined>;
  /** `ps` on the host with `psArgs` (default `-ef`), keeping the container's processes. */
  top(idOrName: string, psArgs?: string[]): Promise<ContainerTop>;
  /** One set of figures per sample, two samples apart for CPU %. */
  stats(options: ContainerStatsOptions): AsyncIterable<ContainerStatsEntry[]>;
}
