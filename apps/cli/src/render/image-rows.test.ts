import { describe, expect, it } from "vitest";
import type { ImageSummary } from "@berth/core";
import { buildImageRows, uniqueImageIds } from "./image-rows.js";

const now = new Date("2024-06-01T12:00:00Z");
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
const hex = (char: string) => char.repeat(64);

function image(overrides: Partial<ImageSummary> & { id: string }): ImageSummary {
  return {
    repoTags: [],
    repoDigests: [],
    parentId: "",
    created: hoursAgo(1),
    size: 4_261_000,
    childCount: 0,
    labels: {},
    ...overrides,
  };
}

const tagged = image({
  id: `sha256:${hex("a")}`,
  repoTags: ["busybox:latest", "busybox:1.36", "localhost:5000/tools/box:v1"],
  created: hoursAgo(3),
});
const parent = image({ id: `sha256:${hex("b")}`, childCount: 1, created: hoursAgo(30) });
const dangling = image({ id: `sha256:${hex("c")}`, created: hoursAgo(2), size: 327 });
const digestOnly = image({
  id: `sha256:${hex("d")}`,
  repoDigests: [`alpine@sha256:${hex("e")}`],
  created: hoursAgo(5),
});
const taggedWithDigest = image({
  id: `sha256:${hex("f")}`,
  repoTags: ["alpine:3.19"],
  repoDigests: [`alpine@sha256:${hex("9")}`],
  created: hoursAgo(10),
});
const all = [parent, digestOnly, tagged, dangling, taggedWithDigest];

const columns = (rows: ReturnType<typeof buildImageRows>) =>
  rows.map((row) => [row.Repository, row.Tag, row.Digest, row.ID, row.CreatedSince, row.Size]);

describe("buildImageRows", () => {
  it("lists newest first, a row per tag, <none> for untagged, intermediates hidden", () => {
    const rows = buildImageRows(all, { isAll: false, isTruncated: true, showDigests: false, now });
    expect(columns(rows)).toEqual([
      ["<none>", "<none>", "<none>", "cccccccccccc", "2 hours ago", "327B"],
      ["busybox", "latest", "<none>", "aaaaaaaaaaaa", "3 hours ago", "4.26MB"],
      ["busybox", "1.36", "<none>", "aaaaaaaaaaaa", "3 hours ago", "4.26MB"],
      ["localhost:5000/tools/box", "v1", "<none>", "aaaaaaaaaaaa", "3 hours ago", "4.26MB"],
      ["alpine", "<none>", "", "dddddddddddd", "5 hours ago", "4.26MB"],
      ["alpine", "3.19", "<none>", "ffffffffffff", "10 hours ago", "4.26MB"],
    ]);
  });

  it("shows untagged parents with -a", () => {
    const rows = buildImageRows(all, { isAll: true, isTruncated: true, showDigests: false, now });
    expect(rows.at(-1)).toMatchObject({ Repository: "<none>", Tag: "<none>", ID: "bbbbbbbbbbbb", CreatedSince: "30 hours ago" });
  });

  it("adds a row per digest with --digests", () => {
    const rows = buildImageRows([digestOnly, taggedWithDigest], { isAll: false, isTruncated: true, showDigests: true, now });
    expect(rows.map((row) => [row.Repository, row.Tag, row.Digest])).toEqual([
      ["alpine", "<none>", `sha256:${hex("e")}`],
      ["alpine", "3.19", `sha256:${hex("9")}`],
    ]);
  });

  it("prints full ids with --no-trunc and docker's other template fields", () => {
    const [row] = buildImageRows([dangling], { isAll: false, isTruncated: false, showDigests: false, now });
    expect(row).toEqual({
      ID: `sha256:${hex("c")}`,
      Repository: "<none>",
      Tag: "<none>",
      Digest: "<none>",
      CreatedSince: "2 hours ago",
      CreatedAt: "2024-06-01 10:00:00 +0000 UTC",
      Size: "327B",
      Containers: "N/A",
      SharedSize: "N/A",
      UniqueSize: "N/A",
      VirtualSize: "327B",
    });
  });
});

describe("uniqueImageIds", () => {
  it("lists each image once, in row order", () => {
    const rows = buildImageRows(all, { isAll: false, isTruncated: true, showDigests: false, now });
    expect(uniqueImageIds(rows)).toEqual(["cccccccccccc", "aaaaaaaaaaaa", "dddddddddddd", "ffffffffffff"]);
  });
});
