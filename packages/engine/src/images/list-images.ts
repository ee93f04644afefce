import { familiarName, matchesLabelFilter, matchReferencePattern, parseReference, type ImageListOptions, type ImageSummary } from "@berth/core";
import type { EngineContext } from "../engine-context.js";

/** Every image of this root with its tags, digests and child count, newest first. */
export async function listAllImages(ctx: EngineContext): Promise<ImageSummary[]> {
  const rows = await ctx.client.image.findMany({
    where: { nodeId: ctx.nodeId },
    select: {
      id: true,
      parentId: true,
      created: true,
      size: true,
      labels: true,
      tags: { select: { name: true }, orderBy: { name: "asc" } },
      repoDigests: { select: { name: true }, orderBy: { name: "asc" } },
      _count: { select: { children: true } },
    },
    orderBy: [{ created: "desc" }, { id: "asc" }],
  });
  return rows.map((row) => ({
    id: row.id,
    repoTags: row.tags.map((tag) => familiarName(tag.name)),
    repoDigests: row.repoDigests.map((digest) => familiarName(digest.name)),
    parentId: row.parentId ?? "",
    created: row.created,
    size: Number(row.size),
    childCount: row._count.children,
    labels: JSON.parse(row.labels) as Record<string, string>,
  }));
}

/** `images` with docker's rules: intermediates only with -a, filters on dangling, reference and label. */
export async function listImages(ctx: EngineContext, options: ImageListOptions = {}): Promise<ImageSummary[]> {
  const images = await listAllImages(ctx);
  const isDangling = (image: ImageSummary) => image.repoTags.length === 0 && image.childCount === 0;
  const isNamed = (image: ImageSummary) => image.repoTags.length > 0 || image.repoDigests.length > 0;
  return images
    .filter((image) => options.all || image.repoTags.length > 0 || image.childCount === 0)
    // dangling=false lists named images only: untagged intermediates stay out even with -a
    .filter((image) => options.dangling === undefined || (options.dangling ? isDangling(image) : isNamed(image)))
    .filter((image) => (options.labels ?? []).every((label) => matchesLabelFilter(image.labels, label)))
    .flatMap((image) => filterTags(image, options.references ?? []));
}

/** With reference patterns, keep only the matching tags; an image with none left drops out. */
function filterTags(image: ImageSummary, patterns: string[]): ImageSummary[] {
  if (patterns.length === 0) return [image];
  const repoTags = image.repoTags.filter((tag) =>
    patterns.some((pattern) => matchReferencePattern(pattern, parseReference(tag))),
  );
  return repoTags.length > 0 ? [{ ...image, repoTags }] : [];
}
