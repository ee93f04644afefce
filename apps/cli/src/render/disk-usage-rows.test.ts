import { describe, expect, it } from "vitest";
import type { DiskUsage } from "@berth/core";
import { buildDiskUsageImageRows, buildDiskUsageRows } from "./disk-usage-rows.js";

const now = new Date("2024-06-01T12:00:00Z");
const usage: DiskUsage = {
  layersSize: 16_430_000,
  images: [
    {
      id: `sha256:${"a".repeat(64)}`,
      repoTags: ["busybox:latest", "busybox:1.36"],
      created: new Date("2024-06-01T09:00:00Z"),
      size: 4_261_000,
      sharedSize: 0,
      uniqueSize: 4_261_000,
      containers: 0,
    },
    {
      id: `sha256:${"b".repeat(64)}`,
      repoTags: [],
      created: new Date("2024-05-01T09:00:00Z"),
      size: 12_169_000,
      sharedSize: 1_000_000,
      uniqueSize: 11_169_000,
      containers: 2,
    },
  ],
};

describe("buildDiskUsageRows", () => {
  it("prints the Images row with docker's reclaimable share", () => {
    expect(buildDiskUsageRows(usage)).toEqual([
      { Type: "Images", TotalCount: "2", Active: "1", Size: "16.43MB", Reclaimable: "5.261MB (32%)" },
    ]);
  });

  it("prints 0B without a share when nothing is stored", () => {
    expect(buildDiskUsageRows({ images: [], layersSize: 0 })).toEqual([
      { Type: "Images", TotalCount: "0", Active: "0", Size: "0B", Reclaimable: "0B" },
    ]);
  });
});

describe("buildDiskUsageImageRows", () => {
  it("lists each image once, by its first tag", () => {
    expect(buildDiskUsageImageRows(usage, now)).toEqual([
      {
        Repository: "busybox",
        Tag: "latest",
        ID: "aaaaaaaaaaaa",
        CreatedSince: "3 hours ago",
        Size: "4.26MB",
        SharedSize: "0B",
        UniqueSize: "4.261MB",
        Containers: "0",
      },
      {
        Repository: "<none>",
        Tag: "<none>",
        ID: "bbbbbbbbbbbb",
        CreatedSince: "4 weeks ago",
        Size: "12.2MB",
        SharedSize: "1MB",
        UniqueSize: "11.17MB",
        Containers: "2",
      },
    ]);
  });
});
