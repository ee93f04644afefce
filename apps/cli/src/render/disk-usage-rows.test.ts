import { describe, expect, it } from "vitest";
import type { DiskUsage } from "@berth/core";
import { buildDiskUsageContainerRows, buildDiskUsageImageRows, buildDiskUsageRows, buildDiskUsageVolumeRows } from "./disk-usage-rows.js";

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
  containers: [
    {
      id: "c".repeat(64), name: "web", image: "busybox", imageId: `sha256:${"a".repeat(64)}`, command: "sleep 60",
      created: new Date("2024-06-01T11:00:00Z"), state: "running", status: "Up 59 minutes", exitCode: 0, labels: {}, ports: "",
      sizeRw: 3_000, sizeRootFs: 4_264_000, localVolumes: 1,
    },
    {
      id: "d".repeat(64), name: "job", image: "busybox", imageId: `sha256:${"a".repeat(64)}`, command: "true",
      created: new Date("2024-06-01T10:00:00Z"), state: "exited", status: "Exited (0) 2 hours ago", exitCode: 0, labels: {}, ports: "",
      sizeRw: 1_000, localVolumes: 0,
    },
  ],
  volumes: [
    { name: "data", links: 1, size: 2_048 },
    { name: "old", links: 0, size: 6_144 },
  ],
};

const empty: DiskUsage = { images: [], layersSize: 0, containers: [], volumes: [] };

describe("buildDiskUsageRows", () => {
  it("prints the Images, Containers and Local Volumes rows with docker's reclaimable shares", () => {
    expect(buildDiskUsageRows(usage)).toEqual([
      { Type: "Images", TotalCount: "2", Active: "1", Size: "16.43MB", Reclaimable: "5.261MB (32%)" },
      { Type: "Containers", TotalCount: "2", Active: "1", Size: "4kB", Reclaimable: "1kB (25%)" },
      { Type: "Local Volumes", TotalCount: "2", Active: "1", Size: "8.192kB", Reclaimable: "6.144kB (75%)" },
    ]);
  });

  it("prints 0B without a share when nothing is stored", () => {
    expect(buildDiskUsageRows(empty)).toEqual([
      { Type: "Images", TotalCount: "0", Active: "0", Size: "0B", Reclaimable: "0B" },
      { Type: "Containers", TotalCount: "0", Active: "0", Size: "0B", Reclaimable: "0B" },
      { Type: "Local Volumes", TotalCount: "0", Active: "0", Size: "0B", Reclaimable: "0B" },
    ]);
  });
});

describe("the verbose tables", () => {
  it("lists containers without the virtual size, with their volume counts", () => {
    expect(buildDiskUsageContainerRows(usage, now).map((row) => [row.ID, row.LocalVolumes, row.Size, row.Names])).toEqual([
      ["cccccccccccc", "1", "3kB", "web"],
      ["dddddddddddd", "0", "1kB", "job"],
    ]);
  });

  it("lists volumes with links and sizes", () => {
    expect(buildDiskUsageVolumeRows(usage)).toEqual([
      { Name: "data", Links: "1", Size: "2.048kB" },
      { Name: "old", Links: "0", Size: "6.144kB" },
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
