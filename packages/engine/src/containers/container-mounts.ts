import { mkdir, stat } from "node:fs/promises";
import {
  BerthError, invalidArgument, parseTmpfsSpec, parseVolumeSpec,
  type ContainerConfig, type ContainerMountInput, type MountRequest,
} from "@berth/core";
import type { RootPaths } from "../config/paths.js";
import { randomVolumeName } from "../volumes/create-volume.js";
import type { VolumeUse } from "../volumes/volume-first-use.js";
import { volumeDataDir } from "../volumes/volume-paths.js";
import { fromDockerMount, type HostConfig } from "./host-config.js";

// The mount points of a container: `-v` and `--mount` requests and the image's VOLUMEs resolved
// to host paths (volume names → <root>/volumes/<name>/_data). Create settles them once (names
// for anonymous volumes, binds checked); start and inspect rebuild them from the stored
// HostConfig and the VolumeMount rows.

export interface MountPoint {
  type: "bind" | "volume" | "tmpfs";
  /** The volume's name (volumes only). */
  name?: string;
  /** Host path: the bind source or the volume's _data dir ("" for tmpfs). */
  source: string;
  destination: string;
  readOnly: boolean;
  /** inspect's Mounts[].Mode: the `-v` mode text; "z" for a named `-v` volume without one. */
  mode: string;
  propagation: MountRequest["propagation"];
  nonRecursive: boolean;
  tmpfsData: string;
  /** Where it came from: a new anonymous volume is one create made. */
  anonymous: boolean;
  /** `nocopy`: the image's content is not copied into a new volume. */
  noCopy: boolean;
}

export interface VolumeMountRow {
  destination: string;
  volumeName: string;
  readOnly: boolean;
}

/** `anonymousName`: the name given to a volume request without a source. `isVolumeFlag`: from `-v`. */
function fromRequest(paths: RootPaths, request: MountRequest, isVolumeFlag: boolean, anonymousName?: string): MountPoint {
  const name = request.type !== "volume" ? undefined : request.source === "" ? anonymousName : request.source;
  const isNamedVolumeFlag = isVolumeFlag && request.type === "volume" && request.source !== "";
  return {
    type: request.type,
    ...(name === undefined ? {} : { name }),
    source: request.type === "volume" ? volumeDataDir(paths, name ?? "") : request.source,
    destination: request.target,
    readOnly: request.readOnly,
    mode: isNamedVolumeFlag && request.mode === "" ? "z" : request.mode,
    propagation: request.propagation,
    nonRecursive: request.nonRecursive,
    tmpfsData: request.tmpfsData,
    anonymous: request.type === "volume" && request.source === "",
    noCopy: request.noCopy,
  };
}

/**
 * The mount points of a new container, in the user's order, then the image's VOLUMEs that no user
 * mount covers (each a new anonymous volume). `-v` creates a missing bind source directory, as
 * docker does; `--mount` refuses it. Throws INVALID_ARGUMENT `Duplicate mount point: /x`.
 */
export async function settleCreateMounts(
  paths: RootPaths,
  requests: readonly MountRequest[],
  fromVolumeFlag: readonly boolean[],
  imageVolumes: readonly string[],
  tmpfsTargets: readonly string[],
): Promise<MountPoint[]> {
  const points: MountPoint[] = [];
  const seen = new Set<string>(tmpfsTargets);
  for (const [index, request] of requests.entries()) {
    if (seen.has(request.target)) throw invalidArgument(`Duplicate mount point: ${request.target}`);
    seen.add(request.target);
    if (request.type === "bind") await checkBindSource(request.source, fromVolumeFlag[index] === true);
    const anonymousName = request.type === "volume" && request.source === "" ? randomVolumeName() : undefined;
    points.push(fromRequest(paths, request, fromVolumeFlag[index] === true, anonymousName));
  }
  for (const target of imageVolumes) {
    if (seen.has(target)) continue;
    seen.add(target);
    const name = randomVolumeName();
    points.push({ type: "volume", name, source: volumeDataDir(paths, name), destination: target, readOnly: false, mode: "", propagation: "", nonRecursive: false, tmpfsData: "", anonymous: true, noCopy: false });
  }
  return points;
}

async function checkBindSource(source: string, mayCreate: boolean): Promise<void> {
  try {
    await stat(source);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    if (!mayCreate) throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
    await mkdir(source, { recursive: true, mode: 0o755 });
  }
}

/**
 * The mount points of a stored container: `-v` texts from Binds, `--mount` objects, then the
 * anonymous volumes (Config.Volumes destinations), with volume names from its VolumeMount rows.
 */
export function containerMountPoints(paths: RootPaths, config: ContainerConfig, hostConfig: HostConfig, volumeRows: readonly VolumeMountRow[]): MountPoint[] {
  const names = new Map(volumeRows.map((row) => [row.destination, row.volumeName]));
  const points: MountPoint[] = [];
  for (const text of hostConfig.Binds ?? []) points.push(fromRequest(paths, parseVolumeSpec(text), true));
  for (const mount of hostConfig.Mounts ?? []) {
    const request = fromDockerMount(mount);
    points.push(fromRequest(paths, request, false, names.get(request.target)));
  }
  const covered = new Set([...points.map((point) => point.destination), ...Object.keys(hostConfig.Tmpfs ?? {})]);
  for (const destination of Object.keys(config.Volumes ?? {})) {
    const name = names.get(destination);
    if (covered.has(destination) || name === undefined) continue;
    points.push({ type: "volume", name, source: volumeDataDir(paths, name), destination, readOnly: false, mode: "", propagation: "", nonRecursive: false, tmpfsData: "", anonymous: true, noCopy: false });
  }
  return points;
}

/** The volumes among the points, as their first use (`prepareVolumes`) takes them. */
export function volumeUses(points: readonly MountPoint[]): VolumeUse[] {
  return points.flatMap((point) => (point.type === "volume" && point.name !== undefined ? [{ name: point.name, destination: point.destination, noCopy: point.noCopy }] : []));
}

/** What the start plan mounts: the points (volumes as binds of their data dirs) and `--tmpfs`. */
export async function startMountInputs(points: readonly MountPoint[], hostConfig: HostConfig): Promise<{ mounts: ContainerMountInput[]; tmpfs: Array<{ target: string; data: string }> }> {
  const mounts: ContainerMountInput[] = [];
  for (const point of points) {
    if (point.type === "tmpfs") {
      mounts.push({ type: "tmpfs", source: "", target: point.destination, readOnly: point.readOnly, tmpfsData: point.tmpfsData });
      continue;
    }
    const info = await stat(point.source).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" && point.type === "bind") throw new BerthError("INVALID_ARGUMENT", `invalid mount config for type "bind": bind source path does not exist: ${point.source}`);
      throw error;
    });
    mounts.push({
      type: point.type, source: point.source, target: point.destination, readOnly: point.readOnly,
      propagation: point.propagation, nonRecursive: point.nonRecursive, isFile: !info.isDirectory(),
    });
  }
  const tmpfs = Object.entries(hostConfig.Tmpfs ?? {}).map(([target, data]) => parseTmpfsSpec(data === "" ? target : `${target}:${data}`));
  return { mounts, tmpfs };
}
