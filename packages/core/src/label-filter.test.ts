import { describe, expect, it } from "vitest";
import { matchesLabelFilter, matchesPruneLabels } from "./label-filter.js";

describe("label filters", () => {
  const labels = { tier: "web", empty: "" };

  it("matches a key or a key with its value", () => {
    expect(matchesLabelFilter(labels, "tier")).toBe(true);
    expect(matchesLabelFilter(labels, "empty")).toBe(true);
    expect(matchesLabelFilter(labels, "tier=web")).toBe(true);
    expect(matchesLabelFilter(labels, "tier=db")).toBe(false);
    expect(matchesLabelFilter(labels, "empty=")).toBe(true);
    expect(matchesLabelFilter(labels, "toString")).toBe(false);
  });

  it("prune: every label= must match and no label!= may", () => {
    expect(matchesPruneLabels(labels, {})).toBe(true);
    expect(matchesPruneLabels(labels, { label: ["tier", "empty"] })).toBe(true);
    expect(matchesPruneLabels(labels, { label: ["tier=db"] })).toBe(false);
    expect(matchesPruneLabels(labels, { "label!": ["tier=db"] })).toBe(true);
    expect(matchesPruneLabels(labels, { "label!": ["tier"] })).toBe(false);
  });
});
