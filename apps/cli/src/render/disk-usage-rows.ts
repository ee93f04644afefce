import { formatHumanSize, formatRelativeTime, parseReference, shortId, type DiskUsage } from "@berth/core";

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

/**
 * The summary rows. Only kinds the service reports get a row: images now; containers, local
 * volumes and build cache join here when the service's DiskUsage grows those lists.
 */
export function buildDiskUsageRows(usage: DiskUsage): DiskUsageRow[] {
  const active = usage.images.filter((image) => image.containers > 0);
  const used = active.reduce((sum, image) => sum + image.size - image.sharedSize, 0);
  return [
    {
      Type: "Images",
      TotalCount: String(usage.images.length),
      Active: String(active.length),
      Size: formatHumanSize(usage.layersSize, 4),
      Reclaimable: reclaimableText(Math.max(usage.layersSize - used, 0), usage.layersSize),
    },
  ];
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
