import { describe, expect, it } from "vitest";
import { formatProgressLine } from "./progress.js";

describe("formatProgressLine", () => {
  it("shows the phase, the object, bytes done of the total and the rate", () => {
    expect(formatProgressLine({ phase: "Loading layer", id: "3f5a6b7c8d9e", current: 12_500_000, total: 40_000_000 }, 8_200_000)).toBe(
      "Loading layer 3f5a6b7c8d9e: 12.5MB/40MB 8.2MB/s",
    );
    expect(formatProgressLine({ phase: "Writing", current: 1_000 }, undefined)).toBe("Writing: 1kB");
  });
});
