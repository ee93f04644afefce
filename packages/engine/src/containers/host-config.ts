import {
  DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, DEFAULT_SHM_SIZE, formatTmpfsData,
  type DnsSettings, type MountRequest, type PortBindings, type RestartPolicy, type RunFlags,
} from "@berth/core";

// docker's HostConfig as create stores it and inspect prints it (formats.md §8), keys in docker's
// order. It is also what start reads back: the resources, `Binds` (the `-v` texts with a source),
// `Mounts` (the `--mount` objects) and `Tmpfs`; anonymous volumes are in Config.Volumes.

/** docker's mount.Mount, as `--mount` puts it in HostConfig.Mounts. */
export interface DockerMount {
  Type: "bind" | "volume" | "tmpfs";
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface HostConfig {
  Binds: string[] | null;
  ContainerIDFile: string;
  LogConfig: { Type: string; Config: Record<string, string> };
  NetworkMode: string;
  PortBindings: PortBindings;
  RestartPolicy: RestartPolicy;
  AutoRemove: boolean;
  VolumeDriver: string;
  VolumesFrom: null;
  CapAdd: string[] | null;
  CapDrop: string[] | null;
  CgroupnsMode: "host" | "private";
  Dns: string[];
  DnsOptions: string[];
  DnsSearch: string[];
  ExtraHosts: string[] | null;
  GroupAdd: null;
  IpcMode: string;
  Cgroup: string;
  Links: null;
  OomScoreAdj: number;
  PidMode: string;
  Privileged: boolean;
  PublishAllPorts: boolean;
  ReadonlyRootfs: boolean;
  SecurityOpt: string[] | null;
  Tmpfs?: Record<string, string>;
  UTSMode: string;
  UsernsMode: string;
  ShmSize: number;
  Runtime: string;
  ConsoleSize: [number, number];
  Isolation: string;
  CpuShares: number;
  Memory: number;
  NanoCpus: number;
  CgroupParent: string;
  BlkioWeight: number;
  CpuPeriod: number;
  CpuQuota: number;
  CpusetCpus: string;
  CpusetMems: string;
  Devices: unknown[];
  DeviceCgroupRules: null;
  MemoryReservation: number;
  MemorySwap: number;
  MemorySwappiness: null;
  OomKillDisable: boolean;
  PidsLimit: number | null;
  Ulimits: null;
  Mounts?: DockerMount[];
  MaskedPaths: string[];
  ReadonlyPaths: string[];
  Init?: boolean;
}

export interface HostConfigInput {
  flags: RunFlags;
  /** The `-v` texts (for Binds) and the `--mount` requests, as given. */
  volumeTexts: readonly string[];
  mountRequests: readonly MountRequest[];
  securityOpt: readonly string[];
  cgroupVersion: 1 | 2;
  init?: boolean;
  /** `--network`, `-p`, `-P`, `--add-host` and `--dns*` as checked by create (default: the bridge, nothing published). */
  network?: { mode: string; portBindings: PortBindings; publishAll: boolean; extraHosts: string[]; dns: DnsSettings };
}

export function toDockerMount(request: MountRequest): DockerMount {
  const mount: DockerMount = { Type: request.type, Source: request.source, Target: request.target };
  if (request.readOnly) mount.ReadOnly = true;
  if (request.type === "bind" && (request.propagation !== "" || request.nonRecursive)) {
    mount.BindOptions = { ...(request.propagation ? { Propagation: request.propagation } : {}), ...(request.nonRecursive ? { NonRecursive: true } : {}) };
  }
  if (request.type === "volume" && (request.noCopy || Object.keys(request.volumeLabels).length > 0 || request.volumeDriver !== "")) {
    mount.VolumeOptions = {
      ...(request.noCopy ? { NoCopy: true } : {}),
      ...(Object.keys(request.volumeLabels).length > 0 ? { Labels: request.volumeLabels } : {}),
      ...(request.volumeDriver !== "" ? { DriverConfig: { Name: request.volumeDriver, Options: request.volumeOptions } } : {}),
    };
  }
  if (request.type === "tmpfs") {
    const size = /(?:^|,)size=(\d+)([kmg]?)(?:,|$)/.exec(request.tmpfsData);
    const mode = /(?:^|,)mode=([0-7]+)(?:,|$)/.exec(request.tmpfsData);
    const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[size?.[2] ?? ""] ?? 1;
    if (size || mode) mount.TmpfsOptions = { ...(size ? { SizeBytes: Number(size[1]) * unit } : {}), ...(mode ? { Mode: Number.parseInt(mode[1]!, 8) } : {}) };
  }
  return mount;
}

/** The request a HostConfig.Mounts entry was made from (what start needs of it). */
export function fromDockerMount(mount: DockerMount): MountRequest {
  return {
    type: mount.Type,
    source: mount.Source ?? "",
    target: mount.Target,
    readOnly: mount.ReadOnly === true,
    mode: "",
    propagation: (mount.BindOptions?.Propagation ?? "") as MountRequest["propagation"],
    nonRecursive: mount.BindOptions?.NonRecursive === true,
    noCopy: mount.VolumeOptions?.NoCopy === true,
    tmpfsData: mount.Type === "tmpfs" ? formatTmpfsData(mount.ReadOnly === true, mount.TmpfsOptions?.SizeBytes ?? 0, mount.TmpfsOptions?.Mode ?? 0) : "",
    volumeDriver: mount.VolumeOptions?.DriverConfig?.Name ?? "",
    volumeLabels: mount.VolumeOptions?.Labels ?? {},
    volumeOptions: mount.VolumeOptions?.DriverConfig?.Options ?? {},
  };
}

export function buildHostConfig(input: HostConfigInput): HostConfig {
  const { flags } = input;
  const { resources } = flags;
  const memory = resources.memory ?? 0;
  const binds = input.volumeTexts.filter((text) => text.includes(":"));
  const tmpfs = Object.fromEntries(flags.tmpfs.map((entry) => [entry.target, entry.data]));
  const isPrivileged = flags.privileged;
  return {
    Binds: binds.length > 0 ? binds : null,
    ContainerIDFile: "",
    LogConfig: { Type: "json-file", Config: {} },
    NetworkMode: input.network?.mode ?? "default",
    PortBindings: input.network?.portBindings ?? {},
    RestartPolicy: flags.restartPolicy,
    AutoRemove: flags.autoRemove,
    VolumeDriver: "",
    VolumesFrom: null,
    CapAdd: flags.capAdd.length > 0 ? flags.capAdd : null,
    CapDrop: flags.capDrop.length > 0 ? flags.capDrop : null,
    CgroupnsMode: input.cgroupVersion === 2 ? "private" : "host",
    Dns: [...(input.network?.dns.dns ?? [])],
    DnsOptions: [...(input.network?.dns.options ?? [])],
    DnsSearch: [...(input.network?.dns.search ?? [])],
    ExtraHosts: input.network !== undefined && input.network.extraHosts.length > 0 ? input.network.extraHosts : null,
    GroupAdd: null,
    IpcMode: "private",
    Cgroup: "",
    Links: null,
    OomScoreAdj: resources.oomScoreAdj ?? 0,
    PidMode: "",
    Privileged: isPrivileged,
    PublishAllPorts: input.network?.publishAll ?? false,
    ReadonlyRootfs: flags.readOnlyRootfs,
    SecurityOpt: input.securityOpt.length > 0 ? [...input.securityOpt] : null,
    ...(flags.tmpfs.length > 0 ? { Tmpfs: tmpfs } : {}),
    UTSMode: "",
    UsernsMode: "",
    ShmSize: resources.shmSize || DEFAULT_SHM_SIZE,
    Runtime: "berth-init",
    ConsoleSize: [0, 0],
    Isolation: "",
    CpuShares: resources.cpuShares ?? 0,
    Memory: memory,
    NanoCpus: resources.nanoCpus ?? 0,
    CgroupParent: "",
    BlkioWeight: 0,
    CpuPeriod: 0,
    CpuQuota: 0,
    CpusetCpus: "",
    CpusetMems: "",
    Devices: [],
    DeviceCgroupRules: null,
    MemoryReservation: 0,
    // docker's daemon stores its default: twice the memory limit.
    MemorySwap: memory > 0 && (resources.memorySwap ?? 0) === 0 ? memory * 2 : (resources.memorySwap ?? 0),
    MemorySwappiness: null,
    OomKillDisable: false,
    PidsLimit: resources.pidsLimit ?? null,
    Ulimits: null,
    ...(input.mountRequests.length > 0 ? { Mounts: input.mountRequests.map(toDockerMount) } : {}),
    MaskedPaths: isPrivileged ? [] : [...DEFAULT_MASKED_PATHS],
    ReadonlyPaths: isPrivileged ? [] : [...DEFAULT_READONLY_PATHS],
    ...(input.init === undefined ? {} : { Init: input.init }),
  };
}

/** The resources start plans with, read back from a stored HostConfig. */
export function hostConfigResources(hostConfig: HostConfig): RunFlags["resources"] {
  const resources: RunFlags["resources"] = {};
  if (hostConfig.Memory > 0) resources.memory = hostConfig.Memory;
  if (hostConfig.MemorySwap !== 0) resources.memorySwap = hostConfig.MemorySwap;
  if (hostConfig.NanoCpus > 0) resources.nanoCpus = hostConfig.NanoCpus;
  if (hostConfig.CpuShares > 0) resources.cpuShares = hostConfig.CpuShares;
  if (hostConfig.PidsLimit !== null) resources.pidsLimit = hostConfig.PidsLimit;
  if (hostConfig.OomScoreAdj !== 0) resources.oomScoreAdj = hostConfig.OomScoreAdj;
  if (hostConfig.ShmSize !== DEFAULT_SHM_SIZE) resources.shmSize = hostConfig.ShmSize;
  return resources;
}

/** What the container's `--security-opt` entries ask of each of its processes (its start and every exec). */
export function securityOptions(hostConfig: HostConfig): { noNewPrivileges: boolean; seccompUnconfined: boolean } {
  const options = hostConfig.SecurityOpt ?? [];
  return {
    noNewPrivileges: options.some((option) => /^no-new-privileges([:=]true)?$/.test(option)),
    seccompUnconfined: options.some((option) => /^seccomp[:=]unconfined$/.test(option)),
  };
}
