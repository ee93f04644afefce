import { describe, expect, it } from "vitest";
import type { ImageHistoryRow } from "@berth/core";
import { buildHistoryRows } from "./history-rows.js";

const now = new Date("2024-06-01T12:00:00Z");
const history: ImageHistoryRow[] = [
  {
    id: `sha256:${"a".repeat(64)}`,
    created: new Date("2024-05-18T12:00:00Z"),
    createdBy: '/bin/sh -c #(nop)  CMD ["sh"]',
    tags: ["busybox:latest"],
    size: 0,
    comment: "",
    emptyLayer: true,
  },
  {
    id: "<missing>",
    created: new Date("2024-05-18T11:59:58Z"),
    createdBy: "/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7fd3443cef785fd1 in / ",
    tags: [],
    size: 4_261_550,
    comment: "Imported from -",
    emptyLayer: false,
  },
  {
    id: "<missing>",
    created: new Date("1970-01-01T00:00:00Z"),
    createdBy: "COPY\tfile /",
    tags: [],
    size: 12,
    comment: "",
    emptyLayer: false,
  },
];

describe("buildHistoryRows", () => {
  it("prints short ids, ages, 45-column commands with … and human sizes by default", () => {
    const rows = buildHistoryRows(history, { isHuman: true, isTruncated: true, now });
    expect(rows.map((row) => [row.ID, row.CreatedSince, row.CreatedBy, row.Size, row.Comment])).toEqual([
      ["aaaaaaaaaaaa", "2 weeks ago", '/bin/sh -c #(nop)  CMD ["sh"]', "0B", ""],
      ["<missing>", "2 weeks ago", "/bin/sh -c #(nop) ADD file:7e9002edaafd4e457…", "4.26MB", "Imported from -"],
      ["<missing>", "", "COPY file /", "12B", ""],
    ]);
    expect([...rows[1]!.CreatedBy]).toHaveLength(45);
  });

  it("prints RFC 3339 times and bytes with -H=false, everything with --no-trunc", () => {
    const rows = buildHistoryRows(history, { isHuman: false, isTruncated: false, now });
    expect(rows[1]).toEqual({
      ID: "<missing>",
      CreatedSince: "2024-05-18T11:59:58Z",
      CreatedAt: "2024-05-18T11:59:58Z",
      CreatedBy: history[1]!.createdBy,
      Size: "4261550",
      Comment: "Imported from -",
    });
    expect(rows[0]!.ID).toBe(`sha256:${"a".repeat(64)}`);
  });
});
