import { formatHumanSize, formatRelativeTime, goQuote, parseReference, shortId, type ContainerSummary } from "@berth/core";
import { formatGoTime, truncateWithEllipsis } from "./text.js";

/** One line of `ps`, with docker's field names for `--format`. */
export interface ContainerRow {
  ID: string;
  Image: string;
  /** Quoted, and cut to 20 characters unless --no-trunc. */
  Command: string;
  CreatedAt: string;
  RunningFor: string;
  /** docker's PORTS: "0.0.0.0:9020->8000/tcp, 53/udp". */
  Ports: string;
  State: string;
  /** The service's text: "Up 5 minutes", "Exited (137) 3 seconds ago", "Created"… */
  Status: string;
  /** "1.2kB (virtual 4.26MB)" with -s, else empty. */
  Size: string;
  Names: string;
  Labels: string;
  Mounts: string;
  Networks: string;
  LocalVolumes: string;
}

export const containerHeaderNames = {
  ID: "CONTAINER ID",
  Image: "IMAGE",
  Command: "COMMAND",
  CreatedAt: "CREATED AT",
  RunningFor: "CREATED",
  Ports: "PORTS",
  State: "STATE",
  Status: "STATUS",
  Size: "SIZE",
  Names: "NAMES",
  Labels: "LABELS",
  Mounts: "MOUNTS",
  Networks: "NETWORKS",
  LocalVolumes: "LOCAL VOLUMES",
} as const;

export const defaultContainerTableFormat =
  "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
export const defaultContainerTableFormatWithSize = `${defaultContainerTableFormat}\t{{.Size}}`;

/** docker cuts COMMAND to this many characters, the last one "…". */
const commandWidth = 20;

export interface ContainerRowOptions {
  /** Short ids, short image names and a cut command unless `--no-trunc`. */
  isTruncated: boolean;
  now: Date;
}

/** The rows `berth ps` prints, newest first. */
export function buildContainerRows(containers: readonly ContainerSummary[], options: ContainerRowOptions): ContainerRow[] {
  return [...containers]
    .sort((a, b) => b.created.getTime() - a.created.getTime())
    .map((container) => ({
      ID: options.isTruncated ? shortId(container.id) : container.id,
      Image: options.isTruncated ? shortImageName(container) : container.image,
      Command: goQuote(options.isTruncated ? truncateWithEllipsis(container.command, commandWidth) : container.command),
      CreatedAt: formatGoTime(container.created),
      RunningFor: formatRelativeTime(container.created, options.now),
      Ports: container.ports,
      State: container.state,
      Status: container.status,
      Size: formatContainerSize(container),
      Names: container.name,
      Labels: Object.entries(container.labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, value]) => `${key}=${value}`)
        .join(","),
      Mounts: "",
      Networks: "",
      LocalVolumes: container.localVolumes === undefined ? "" : String(container.localVolumes),
    }));
}

/**
 * docker's short IMAGE: an image given by id shows the short id, a reference loses its digest
 * (keeping its tag), anything else stays as the user typed it.
 */
function shortImageName(container: ContainerSummary): string {
  if (container.image === "") return "<no image>";
  if (container.image === container.imageId || /^(sha256:)?[0-9a-f]{64}$/.test(container.image)) return shortId(container.image);
  if (!container.image.includes("@")) return container.image;
  try {
    // With a digest, parseReference has a tag only when one was typed.
    const reference = parseReference(container.image);
    return reference.tag === undefined ? reference.familiarRepository : `${reference.familiarRepository}:${reference.tag}`;
  } catch {
    return container.image;
  }
}

/** docker's SIZE: the read-write layer, and the whole when known: "2B (virtual 4.26MB)". */
function formatContainerSize(container: ContainerSummary): string {
  if (container.sizeRw === undefined) return "";
  const writable = formatHumanSize(container.sizeRw);
  if (container.sizeRootFs === undefined || container.sizeRootFs <= 0) return writable;
  return `${writable} (virtual ${formatHumanSize(container.sizeRootFs)})`;
}
