import { formatHumanSize, formatRelativeTime, parseReference, shortId, type ImageSummary } from "@berth/core";
import { formatGoTime } from "./text.js";

/** One line of `images`, with docker's field names for `--format`. */
export interface ImageRow {
  ID: string;
  Repository: string;
  Tag: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  /** Containers, shared and unique sizes are not computed by `images` (docker says N/A too). */
  Containers: string;
  SharedSize: string;
  UniqueSize: string;
  VirtualSize: string;
}

export const imageHeaderNames = {
  ID: "IMAGE ID",
  Repository: "REPOSITORY",
  Tag: "TAG",
  Digest: "DIGEST",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  Size: "SIZE",
  Containers: "CONTAINERS",
  SharedSize: "SHARED SIZE",
  UniqueSize: "UNIQUE SIZE",
  VirtualSize: "SIZE",
} as const;

export const defaultImageTableFormat = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
export const defaultImageTableFormatWithDigest =
  "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

export interface ImageRowOptions {
  /** `-a`: keep untagged images that are parents of other images. */
  isAll: boolean;
  /** Short ids unless `--no-trunc`. */
  isTruncated: boolean;
  /** `--digests` (or a template that uses .Digest): a row per digest. */
  showDigests: boolean;
  now: Date;
}

/** Whether docker would call the image dangling: no tag and no digest. */
function isDangling(image: ImageSummary): boolean {
  return image.repoTags.length === 0 && image.repoDigests.length === 0;
}

/**
 * The rows `berth images` prints, docker's way: newest first; untagged parents hidden without -a;
 * one row per tag (and per digest with --digests); `<none>` where a name part is missing.
 */
export function buildImageRows(images: readonly ImageSummary[], options: ImageRowOptions): ImageRow[] {
  const shown = images
    .filter((image) => options.isAll || !(image.repoTags.length === 0 && image.childCount > 0))
    .sort((a, b) => b.created.getTime() - a.created.getTime());
  return shown.flatMap((image) => {
    const row = (Repository: string, Tag: string, Digest: string): ImageRow => ({
      ID: options.isTruncated ? shortId(image.id) : image.id,
      Repository,
      Tag,
      Digest,
      CreatedSince: formatRelativeTime(image.created, options.now),
      CreatedAt: formatGoTime(image.created),
      Size: formatHumanSize(image.size),
      Containers: "N/A",
      SharedSize: "N/A",
      UniqueSize: "N/A",
      VirtualSize: formatHumanSize(image.size, 4),
    });
    if (isDangling(image)) return [row("<none>", "<none>", "<none>")];
    return namesOf(image, options.showDigests).map(({ repository, tag, digest }) => row(repository, tag, digest));
  });
}

interface ImageName {
  repository: string;
  tag: string;
  digest: string;
}

function namesOf(image: ImageSummary, showDigests: boolean): ImageName[] {
  const tagsByRepository = new Map<string, string[]>();
  const digestsByRepository = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, value: string) => map.set(key, [...(map.get(key) ?? []), value]);
  for (const text of image.repoTags) {
    const reference = tryParse(text);
    if (reference?.tag !== undefined) add(tagsByRepository, reference.familiarRepository, reference.tag);
  }
  for (const text of image.repoDigests) {
    const reference = tryParse(text);
    if (reference?.digest !== undefined) add(digestsByRepository, reference.familiarRepository, reference.digest);
  }
  const names: ImageName[] = [];
  for (const [repository, tags] of tagsByRepository) {
    const digests = showDigests ? (digestsByRepository.get(repository) ?? []) : [];
    digestsByRepository.delete(repository);
    for (const tag of tags) {
      if (digests.length === 0) names.push({ repository, tag, digest: "<none>" });
      for (const digest of digests) names.push({ repository, tag, digest });
    }
  }
  // Repositories known only by digest.
  for (const [repository, digests] of digestsByRepository) {
    if (showDigests) for (const digest of digests) names.push({ repository, tag: "<none>", digest });
    else names.push({ repository, tag: "<none>", digest: "" });
  }
  return names;
}

function tryParse(text: string) {
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

/** `images -q`: each id once, in row order. */
export function uniqueImageIds(rows: readonly ImageRow[]): string[] {
  return [...new Set(rows.map((row) => row.ID))];
}
