import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BerthError, checkDnsFlags, checkResources, extraHostLines, hostsFileText, invalidArgument, isBerthError, mergeRunConfig,
  parseExtraHost, parseNetworkFlags, parsePortSpecs, parseRunFlags, processArgv, resolvConfText,
  type ContainerCreateOptions, type ContainerNetworks, type DnsSettings, type RawRunFlags,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { findImage } from "../images/image-lookup.js";
import { readImageConfig } from "../images/image-config.js";
import { createStagingDir } from "../storage/staging.js";
import { readHostResolvConf, writeInitLayer } from "./container-files.js";
import { imageStoreLock } from "../images/store-lock.js";
import { withLock } from "../storage/lock.js";
import { volumeDir, volumeStoreLock } from "../volumes/volume-paths.js";
import { insertVolumeRow, makeVolumeDir } from "../volumes/volume-store.js";
import { settleCreateMounts, type MountPoint } from "./container-mounts.js";
import { checkContainerName, nameConflict, randomContainerName } from "./container-names.js";
import { containerPaths, containersDir } from "./container-paths.js";
import { containerEventAttributes, parseContainerRow } from "./container-store.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { buildHostConfig } from "./host-config.js";
import { checkContainerNetwork } from "../network/network-mode.js";
import { hostGateway } from "../network/network-store.js";

/** How often a create draws a random name when parallel creates keep taking the one it drew. */
const MAX_NAME_DRAWS = 10;

const text = (value: number | string | undefined) => (value === undefined ? undefined : String(value));

function rawRunFlags(options: ContainerCreateOptions): RawRunFlags {
  return {
    memory: options.memory, memorySwap: options.memorySwap, shmSize: options.shmSize, cpus: options.cpus,
    cpuShares: text(options.cpuShares), pidsLimit: text(options.pidsLimit), oomScoreAdj: text(options.oomScoreAdj),
    restart: options.restart, stopSignal: options.stopSignal, stopTimeout: text(options.stopTimeout),
    user: options.user, workdir: options.workingDir,
    env: options.env ?? [], envFile: options.envFiles ?? [],
    label: Object.entries(options.labels ?? {}).map(([key, value]) => `${key}=${value}`), labelFile: options.labelFiles ?? [],
    capAdd: options.capAdd ?? [], capDrop: options.capDrop ?? [], tmpfs: options.tmpfs ?? [],
    volume: options.volumes ?? [], mount: options.mounts ?? [],
    rm: options.autoRemove ?? false, privileged: options.privileged ?? false, readOnly: options.readOnly ?? false,
  };
}

/** `--security-opt`: no-new-privileges[:true|false], seccomp=unconfined (no filter), apparmor=unconfined (berth applies no AppArmor). */
function checkSecurityOptions(options: readonly string[]): void {
  for (const option of options) {
    if (/^no-new-privileges([:=](true|false))?$/.test(option) || /^(seccomp|apparmor)[:=]unconfined$/.test(option)) continue;
    throw invalidArgument(`invalid --security-opt 2: ${JSON.stringify(option)}`);
  }
}

/** docker's GenerateRandomID: 64 hex, never one whose short form reads as a number. */
function newContainerId(): string {
  for (;;) {
    const id = randomBytes(32).toString("hex");
    if (!/^[0-9]+$/.test(id.slice(0, 12))) return id;
  }
}

async function pickName(ctx: EngineContext, requested: string | undefined): Promise<string> {
  if (requested !== undefined && requested !== "") {
    const name = checkContainerName(requested);
    await assertNameFree(ctx, name);
    return name;
  }
  for (let attempt = 0; ; attempt++) {
    const name = attempt < 10 ? randomContainerName() : `${randomContainerName()}${attempt}`;
    const taken = await ctx.client.container.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name } }, select: { id: true } });
    if (!taken) return name;
  }
}

async function assertNameFree(ctx: EngineContext, name: string): Promise<void> {
  const taken = await ctx.client.container.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name } }, select: { id: true } });
  if (taken) throw nameConflict(name, taken.id);
}

interface EtcFiles {
  hostname: string;
  /** `--add-host` lines (the network code rewrites the file at each start, with the container's address). */
  extraHosts: string[];
  dns: DnsSettings;
}

/** The container dir, staged then renamed into place: init layer, overlay dirs, /etc files, logs. */
async function writeContainerDir(ctx: EngineContext, id: string, etc: EtcFiles, init: boolean): Promise<void> {
  const staged = await createStagingDir(ctx.paths.root, "container");
  try {
    const relative = (path: string) => join(staged, path.slice(containerPaths(ctx.paths, id).dir.length + 1));
    const paths = containerPaths(ctx.paths, id);
    await writeInitLayer(relative(paths.init), { init });
    for (const dir of [paths.upper, paths.work, paths.merged, paths.logDir]) await mkdir(relative(dir), { mode: 0o755 });
    await chmod(relative(paths.upper), 0o755); // the container's "/" takes the upperdir's mode
    await writeFile(relative(paths.hostname), `${etc.hostname}\n`, { mode: 0o644 });
    await writeFile(relative(paths.hosts), hostsFileText(etc.extraHosts), { mode: 0o644 });
    await writeFile(relative(paths.resolvConf), resolvConfText(await readHostResolvConf(), etc.dns), { mode: 0o644 });
    await mkdir(containersDir(ctx.paths), { recursive: true, mode: 0o700 });
    await rename(staged, paths.dir);
  } catch (error) {
    await rm(staged, { recursive: true, force: true });
    throw error;
  }
}

/**
 * `docker create`: checks every flag (docker's messages, nothing made on error), resolves the
 * image locally (never pulls), names the container, makes its dir and volumes, and writes the row
 * last, with its VolumeMount rows and the `create` event, in one transaction.
 */
export async function createContainer(ctx: EngineContext, runtime: ContainerRuntime, options: ContainerCreateOptions): Promise<{ id: string; warnings: string[] }> {
  const flags = parseRunFlags(rawRunFlags(options), {});
  checkResources(flags.resources, { cpuCount: availableParallelism() });
  checkSecurityOptions(options.securityOpt ?? []);
  const warnings = await runtime.resourceWarnings(flags.resources);
  const portBindings = parsePortSpecs(options.publish ?? []);
  const extraHosts = (options.addHosts ?? []).map(parseExtraHost);
  const dns: DnsSettings = { dns: options.dns ?? [], search: options.dnsSearch ?? [], options: options.dnsOptions ?? [] };
  checkDnsFlags(dns.dns, dns.search);
  const { mode: networkMode, endpoints } = parseNetworkFlags(options.network ?? [], { aliases: options.networkAliases ?? [], ip: options.ip ?? "", macAddress: options.macAddress ?? "" });
  const networks = await checkContainerNetwork(ctx, {
    mode: networkMode, publishes: Object.keys(portBindings).length > 0 || options.publishAll === true,
    hasDns: dns.dns.length + dns.search.length + dns.options.length > 0, hasExtraHosts: extraHosts.length > 0, endpoints,
  });
  const image = await findImage(ctx, options.image);
  const imageConfig = (await readImageConfig(ctx, image.id)).config;

  const id = newContainerId();
  const volumeTexts = options.volumes ?? [];
  const anonymousTargets = flags.mounts.slice(0, volumeTexts.length).filter((m) => m.type === "volume" && m.source === "").map((m) => m.target);
  const config = mergeRunConfig(imageConfig, {
    image: options.image,
    cmd: options.cmd,
    entrypoint: options.entrypoint === undefined ? undefined : options.entrypoint === "" ? null : [options.entrypoint],
    env: flags.env,
    workingDir: flags.workingDir,
    user: flags.user,
    labels: flags.labels,
    volumes: anonymousTargets,
    exposedPorts: Object.keys(portBindings),
    stopSignal: flags.stopSignal,
    stopTimeout: flags.stopTimeout,
    hostname: options.hostname,
    macAddress: Object.values(networks)[0]?.MacAddress,
    tty: options.tty ?? false,
    openStdin: options.openStdin ?? false,
    detach: options.detach ?? false,
  }, id);
  processArgv(config);
  let name = await pickName(ctx, options.name);
  const hostConfig = buildHostConfig({
    flags, volumeTexts, mountRequests: flags.mounts.slice(volumeTexts.length), securityOpt: options.securityOpt ?? [],
    cgroupVersion: (await runtime.cgroupLayout()).version,
    network: { mode: networkMode, portBindings, publishAll: options.publishAll ?? false, extraHosts: options.addHosts ?? [], dns },
    ...(options.init === undefined ? {} : { init: options.init }),
  });
  const points = await settleCreateMounts(
    ctx.paths, flags.mounts, flags.mounts.map((_, index) => index < volumeTexts.length),
    Object.keys(config.Volumes ?? {}), flags.tmpfs.map((entry) => entry.target),
  );

  const gateway = extraHosts.length > 0 ? await hostGateway(ctx, networks) : "";
  const etc = { hostname: config.Hostname ?? id.slice(0, 12), extraHosts: extraHostLines(extraHosts, gateway), dns };
  await writeContainerDir(ctx, id, etc, options.init === true);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await insertContainer(ctx, { id, name, imageId: image.id, topChainId: image.topChainId, imageRef: options.image, config, hostConfig, networks, points });
        break;
      } catch (error) {
        // Parallel creates may draw the same random name: the later one draws again (docker's
        // registrar reserves names the same way), a given name stays docker's conflict.
        const isNameGenerated = options.name === undefined || options.name === "";
        if (!isNameGenerated || !isBerthError(error, "CONFLICT") || attempt >= MAX_NAME_DRAWS) throw error;
        name = await pickName(ctx, undefined);
      }
    }
  } catch (error) {
    await rm(containerPaths(ctx.paths, id).dir, { recursive: true, force: true });
    throw error;
  }
  return { id, warnings };
}

interface NewContainer {
  id: string;
  name: string;
  imageId: string;
  topChainId: string | null;
  imageRef: string;
  config: object;
  hostConfig: object;
  networks: ContainerNetworks;
  points: MountPoint[];
}

/**
 * The rows under the image store lock, the image checked again there: an `rmi` cannot delete the
 * image and collect its layers between the lookup and the row that keeps them. A container's new
 * volumes are made under the volumes lock too (taken first), so a `volume rm` cannot delete a dir
 * in between.
 */
async function insertContainer(ctx: EngineContext, container: NewContainer): Promise<void> {
  const volumes = container.points.filter((point) => point.type === "volume" && point.name !== undefined);
  const insert = () => withLock(ctx.paths.locks, imageStoreLock, async () => {
    const image = await ctx.client.image.findUnique({ where: { nodeId_id: { nodeId: ctx.nodeId, id: container.imageId } }, select: { id: true } });
    if (!image) throw new BerthError("NOT_FOUND", `No such image: ${container.imageRef}`);
    await insertContainerRows(ctx, container, volumes);
  });
  await (volumes.length === 0 ? insert() : withLock(ctx.paths.locks, volumeStoreLock, insert));
}

async function insertContainerRows(ctx: EngineContext, container: NewContainer, volumes: readonly MountPoint[]): Promise<void> {
  const { nodeId } = ctx;
  for (const volume of volumes) await makeVolumeDir(ctx, volume.name ?? "");
  try {
    await ctx.client.$transaction(async (tx) => {
      for (const volume of volumes) await insertVolumeRow(ctx, tx, { name: volume.name ?? "", anonymous: volume.anonymous });
      const row = await tx.container.create({
        data: {
          nodeId, id: container.id, name: container.name, imageId: container.imageId, topChainId: container.topChainId, imageRef: container.imageRef,
          config: JSON.stringify(container.config), hostConfig: JSON.stringify(container.hostConfig), networks: JSON.stringify(container.networks),
        },
      });
      for (const volume of volumes) {
        await tx.volumeMount.create({
          data: { nodeId, containerId: container.id, destination: volume.destination, volumeName: volume.name ?? "", readOnly: volume.readOnly },
        });
      }
      await ctx.events.record({ type: "container", action: "create", objectId: container.id, attributes: containerEventAttributes(parseContainerRow(row)) }, tx);
    });
  } catch (error) {
    for (const volume of volumes) if (volume.anonymous) await rm(volumeDir(ctx.paths, volume.name ?? ""), { recursive: true, force: true });
    if ((error as { code?: string }).code === "P2002") {
      const taken = await ctx.client.container.findUnique({ where: { nodeId_name: { nodeId, name: container.name } }, select: { id: true } });
      if (taken) throw nameConflict(container.name, taken.id);
    }
    throw error;
  }
}
