import { ZERO_TIME, containerStateFlags, formatRfc3339Nano, processArgv, type ContainerConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { networkSettings } from "../network/network-settings.js";
import { reconcileContainer } from "./container-cleanup.js";
import { containerMountPoints, type MountPoint } from "./container-mounts.js";
import { containerPaths } from "./container-paths.js";
import { containerLayers } from "./container-rootfs.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { findContainer, noSuchContainer, type ContainerRecord } from "./container-store.js";

// docker container inspect (Engine API v1.41, formats.md §8), keys in docker's order.

const time = (date: Date | null | undefined) => formatRfc3339Nano(date ?? ZERO_TIME);

/** Config with docker's zero values where the stored one has none. */
function dockerConfig(config: ContainerConfig): Record<string, unknown> {
  return {
    Hostname: config.Hostname ?? "",
    Domainname: config.Domainname ?? "",
    User: config.User ?? "",
    AttachStdin: config.AttachStdin ?? false,
    AttachStdout: config.AttachStdout ?? false,
    AttachStderr: config.AttachStderr ?? false,
    ...(config.ExposedPorts ? { ExposedPorts: config.ExposedPorts } : {}),
    Tty: config.Tty ?? false,
    OpenStdin: config.OpenStdin ?? false,
    StdinOnce: config.StdinOnce ?? false,
    Env: config.Env ?? null,
    Cmd: config.Cmd ?? null,
    ...(config.Healthcheck ? { Healthcheck: config.Healthcheck } : {}),
    Image: config.Image ?? "",
    Volumes: config.Volumes ?? null,
    WorkingDir: config.WorkingDir ?? "",
    Entrypoint: config.Entrypoint ?? null,
    ...(config.MacAddress ? { MacAddress: config.MacAddress } : {}),
    OnBuild: config.OnBuild ?? null,
    Labels: config.Labels ?? {},
    ...(config.StopSignal ? { StopSignal: config.StopSignal } : {}),
    ...(config.StopTimeout === undefined ? {} : { StopTimeout: config.StopTimeout }),
  };
}

export function dockerMount(point: MountPoint): Record<string, unknown> {
  if (point.type === "volume") {
    return { Type: "volume", Name: point.name, Source: point.source, Destination: point.destination, Driver: "local", Mode: point.mode, RW: !point.readOnly, Propagation: "" };
  }
  return {
    Type: point.type, Source: point.source, Destination: point.destination, Mode: point.mode, RW: !point.readOnly,
    Propagation: point.type === "bind" ? point.propagation || "rprivate" : "",
  };
}

export async function inspectRecord(ctx: EngineContext, record: ContainerRecord): Promise<Record<string, unknown>> {
  const { row, config, hostConfig } = record;
  const paths = containerPaths(ctx.paths, row.id);
  const flags = containerStateFlags(record.state);
  const { path, args } = processArgv(config);
  const [layers, volumeRows] = await Promise.all([
    containerLayers(ctx, row),
    ctx.client.volumeMount.findMany({ where: { nodeId: ctx.nodeId, containerId: row.id } }),
  ]);
  const isRunning = flags.running;
  return {
    Id: row.id,
    Created: time(row.createdAt),
    Path: path,
    Args: args,
    State: {
      Status: record.state,
      Running: flags.running,
      Paused: flags.paused,
      Restarting: flags.restarting,
      OOMKilled: row.oomKilled,
      Dead: flags.dead,
      Pid: isRunning ? row.pid : 0,
      ExitCode: row.exitCode,
      Error: row.error,
      StartedAt: time(row.startedAt),
      FinishedAt: time(row.finishedAt),
    },
    Image: row.imageId,
    ResolvConfPath: paths.resolvConf,
    HostnamePath: paths.hostname,
    HostsPath: paths.hosts,
    LogPath: paths.logFile,
    Name: `/${row.name}`,
    RestartCount: row.restartCount,
    Driver: "overlay",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: hostConfig,
    GraphDriver: {
      Name: "overlay",
      Data: {
        LowerDir: [paths.init, ...layers.map((layer) => layer.diffDir)].join(":"),
        MergedDir: paths.merged,
        UpperDir: paths.upper,
        WorkDir: paths.work,
      },
    },
    Mounts: containerMountPoints(ctx.paths, config, hostConfig, volumeRows).map(dockerMount),
    Config: dockerConfig(config),
    NetworkSettings: await networkSettings(ctx, { id: row.id, config, hostConfig, networks: row.networks }, paths.netns, isRunning),
  };
}

export async function inspectContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string): Promise<Record<string, unknown>> {
  const record = await reconcileContainer(ctx, runtime, await findContainer(ctx, text));
  if (!record) throw noSuchContainer(text);
  return inspectRecord(ctx, record);
}
