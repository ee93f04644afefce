import { describe, expect, it } from "vitest";
import { formatPruneReport, formatRemoveLines } from "./remove-lines.js";

const results = [{ untagged: "busybox:latest" }, { deleted: `sha256:${"a".repeat(64)}` }];

describe("formatRemoveLines", () => {
  it("prints rmi's lines", () => {
    expect(formatRemoveLines(results)).toBe(`Untagged: busybox:latest\nDeleted: sha256:${"a".repeat(64)}\n`);
  });
});

describe("formatPruneReport", () => {
  it("prints the deleted images, a blank line, then the total", () => {
    expect(formatPruneReport(results, "1.2MB")).toBe(
      `Deleted Images:\nuntagged: busybox:latest\ndeleted: sha256:${"a".repeat(64)}\n\nTotal reclaimed space: 1.2MB\n`,
    );
  });

  it("prints only the total when nothing was removed", () => {
    expect(formatPruneReport([], "0B")).toBe("Total reclaimed space: 0B\n");
  });
});
