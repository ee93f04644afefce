import { describe, expect, it } from "vitest";
import { formatCheckReport } from "./check.js";

describe("formatCheckReport", () => {
  it("prints each problem, marking the repaired ones", () => {
    expect(
      formatCheckReport([
        { kind: "orphan-blob", description: "blob sha256:aa is referenced by no image", repaired: true },
        { kind: "missing-layer", description: "layer of image sha256:bb is missing", repaired: false },
      ]),
    ).toBe(
      "orphan-blob: blob sha256:aa is referenced by no image (repaired)\nmissing-layer: layer of image sha256:bb is missing\n",
    );
  });

  it("says so when all is well", () => {
    expect(formatCheckReport([])).toBe("No problems found.\n");
  });
});
