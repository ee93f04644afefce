import { describe, expect, it } from "vitest";
import { formatGoTime, formatRfc3339, formatRfc3339NanoFixed, truncateWithEllipsis } from "./text.js";

describe("truncateWithEllipsis", () => {
  it("keeps short text and cuts long text to the width, … included", () => {
    expect(truncateWithEllipsis("abc", 3)).toBe("abc");
    expect(truncateWithEllipsis("abcdef", 4)).toBe("abc…");
    expect(truncateWithEllipsis("ééééé", 3)).toBe("éé…");
  });
});

describe("time layouts", () => {
  const date = new Date("2024-01-02T03:04:05.678Z");
  it("prints Go's layouts in UTC", () => {
    expect(formatRfc3339(date)).toBe("2024-01-02T03:04:05Z");
    expect(formatGoTime(date)).toBe("2024-01-02 03:04:05 +0000 UTC");
    expect(formatRfc3339NanoFixed(date)).toBe("2024-01-02T03:04:05.678000000Z");
  });
});
