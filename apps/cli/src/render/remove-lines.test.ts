import { describe, expect, it } from "vitest";
import { formatPruneReport, formatPruneSection, formatRemoveLines, imagePruneLines } from "./remove-lines.js";

const results = [{ untagged: "busybox:latest" }, { deleted: `sha256:${"a".repeat(64)}` }];

describe("formatRemoveLines", () => {
  it("prints rmi's lines", () => {
    expect(formatRemoveLines(results)).toBe(`Untagged: busybox:latest\nDeleted: sha256:${"a".repeat(64)}\n`);
  });
});

describe("formatPruneReport", () => {
  it("prints each non-empty section, a blank line after each, then the total", () => {
    const sections = [
      formatPruneSection("Deleted Containers", ["c1"]),
      formatPruneSection("Deleted Volumes", []),
      formatPruneSection("Deleted Images", imagePruneLines(results)),
    ];
    expect(formatPruneReport(sections, 1_234_567)).toBe(
      `Deleted Containers:\nc1\n\nDeleted Images:\nuntagged: busybox:latest\ndeleted: sha256:${"a".repeat(64)}\n\nTotal reclaimed space: 1.235MB\n`,
    );
  });

  it("prints only the total when nothing was removed", () => {
    expect(formatPruneReport([formatPruneSection("Deleted Volumes", [])], 0)).toBe("Total reclaimed space: 0B\n");
  });
});
