import { formatHumanSize, formatRelativeTime, parseReference, shortId, type DiskUsage } from "@berth/core";
import { buildContainerRows, type ContainerRow } from "./container-rows.js";

/** One line of `system df`, docker's fields. */
export interface DiskUsageRow {
  Type: string;
  TotalCount: string;
  Active: string;
  Size: string;
  Reclaimable: string;
}

export const diskUsageHeaderNames = {
  Type: "TYPE",
  TotalCount: "TOTAL",
  Active: "ACTIVE",
  Size: "SIZE",
  Reclaimable: "RECLAIMABLE",
} as const;

export const defaultDiskUsageTableFormat = "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";

// docker prints totals with go-units' HumanSize (4 significant digits), per-image sizes with 3.

/** `12.5MB (80%)`: what removing the unused objects would free, and its share of the total. */
function reclaimableText(reclaimable: number, total: number): string {
  const size = formatHumanSize(reclaimable, 4);
  return total > 0 ? `${size} (${Math.floor((reclaimable * 100) / total)}%)` : size;
}

/** The summary rows: images, containers and local volumes (build cache when berth has one). */
export function buildDiskUsageRows(usage: DiskUsage): DiskUsageRow[] {
  const active = usage.images.filter((image) => image.containers > 0);
  const used = active.reduce((sum, image) => sum + image.size - image.sharedSize, 0);
  const runningContainers = usage.containers.filter((container) => isActiveState(container.state));
  const containersSize = usage.containers.reduce((sum, container) => sum + container.sizeRw, 0);
  const stoppedSize = containersSize - runningContainers.reduce((sum, container) => sum + container.sizeRw, 0);
  const volumesSize = usage.volumes.reduce((sum, volume) => sum + volume.size, 0);
  const unusedVolumesSize = usage.volumes.filter((volume) => volume.links === 0).reduce((sum, volume) => sum + volume.size, 0);
  return [
    {
      Type: "Images",
      TotalCount: String(usage.images.length),
      Active: String(active.length),
      Size: formatHumanSize(usage.layersSize, 4),
      Reclaimable: reclaimableText(Math.max(usage.layersSize - used, 0), usage.layersSize),
    },
    {
      Type: "Containers",
      TotalCount: String(usage.containers.length),
      Active: String(runningContainers.length),
      Size: formatHumanSize(containersSize, 4),
      Reclaimable: reclaimableText(stoppedSize, containersSize),
    },
    {
      Type: "Local Volumes",
      TotalCount: String(usage.volumes.length),
      Active: String(usage.volumes.filter((volume) => volume.links > 0).length),
      Size: formatHumanSize(volumesSize, 4),
      Reclaimable: reclaimableText(unusedVolumesSize, volumesSize),
    },
  ];
}

/** docker's df counts running, paused and restarting containers as active. */
function isActiveState(state: string): boolean {
  return state === "running" || state === "paused" || state === "restarting";
}

/** One image of `system df -v`: only its first tag, like docker. */
export interface DiskUsageImageRow {
  Repository: string;
  Tag: string;
  ID: string;
  CreatedSince: string;
  Size: string;
  SharedSize: string;
  UniqueSize: string;
  Containers: string;
}

export const diskUsageImageHeaderNames = {
  Repository: "REPOSITORY",
  Tag: "TAG",
  ID: "IMAGE ID",
  CreatedSince: "CREATED",
  Size: "SIZE",
  SharedSize: "SHARED SIZE",
  UniqueSize: "UNIQUE SIZE",
  Containers: "CONTAINERS",
} as const;

export const defaultDiskUsageImageTableFormat =
  "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";

export function buildDiskUsageImageRows(usage: DiskUsage, now: Date): DiskUsageImageRow[] {
  return usage.images.map((image) => {
    let repository = "<none>";
    let tag = "<none>";
    const first = image.repoTags[0];
    if (first !== undefined) {
      const reference = parseReference(first);
      repository = reference.familiarRepository;
      tag = reference.tag ?? "<none>";
    }
    return {
      Repository: repository,
      Tag: tag,
      ID: shortId(image.id),
      CreatedSince: formatRelativeTime(image.created, now),
      Size: formatHumanSize(image.size),
      SharedSize: formatHumanSize(image.sharedSize, 4),
      UniqueSize: formatHumanSize(image.uniqueSize, 4),
      Containers: String(image.containers),
    };
  });
}

/** `system df -v`'s containers: ps's rows without the virtual size, with their volume counts. */
export function buildDiskUsageContainerRows(usage: DiskUsage, now: Date): ContainerRow[] {
  return buildContainerRows(usage.containers.map(({ sizeRootFs: _virtual, ...container }) => container), { isTruncated: true, now });
}

export const defaultDiskUsageContainerTableFormat =
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}";

/** One volume of `system df -v`. */
export interface DiskUsageVolumeRow {
  Name: string;
  Links: string;
  Size: string;
}

export const diskUsageVolumeHeaderNames = { Name: "VOLUME NAME", Links: "LINKS", Size: "SIZE" } as const;

export const defaultDiskUsageVolumeTableFormat = "table {{.Name}}\t{{.Links}}\t{{.Size}}";

export function buildDiskUsageVolumeRows(usage: DiskUsage): DiskUsageVolumeRow[] {
  return usage.volumes.map((volume) => ({ Name: volume.name, Links: String(volume.links), Size: formatHumanSize(volume.size, 4) }));
}
