import { describe, expect, it } from "vitest";
import { formatBinarySize, formatHumanSize } from "./size.js";
import { formatGoFloat, formatGoNumber } from "./go-number.js";

describe("formatHumanSize (units.HumanSizeWithPrecision(n, 3))", () => {
  it.each([
    [0, "0B"],
    [1, "1B"],
    [327, "327B"],
    [999, "999B"],
    [1000, "1kB"],
    [1024, "1.02kB"],
    [1125, "1.12kB"],
    [1135, "1.14kB"],
    [4260, "4.26kB"],
    [13_500_000, "13.5MB"],
    [5_578_000, "5.58MB"],
    [1_240_000_000, "1.24GB"],
    [999_499, "999kB"],
    [999_999, "1e+03kB"],
    [1e24, "1YB"],
    [1e28, "1e+04YB"],
  ])("%d bytes → %s", (bytes, expected) => {
    expect(formatHumanSize(bytes)).toBe(expected);
  });

  it("takes another precision like HumanSize (4)", () => {
    expect(formatHumanSize(1024, 4)).toBe("1.024kB");
    expect(formatHumanSize(1_048_576, 4)).toBe("1.049MB");
  });
});

describe("Go float formatting", () => {
  it.each([
    [1e6, undefined, "1e+06"],
    [123456.5, undefined, "123456.5"],
    [1234567.5, undefined, "1.2345675e+06"],
    [0.0001, undefined, "0.0001"],
    [0.00001, undefined, "1e-05"],
    [2.5, 0, "2"],
    [3.5, 1, "4"],
    [-1.5, 3, "-1.5"],
    [100, 3, "100"],
  ])("%d with precision %s → %s", (value, precision, expected) => {
    expect(formatGoFloat(value, precision)).toBe(expected);
  });

  it("prints integers plainly", () => {
    expect(formatGoNumber(123456789)).toBe("123456789");
    expect(formatGoNumber(0.5)).toBe("0.5");
  });
});

describe("formatBinarySize (units.BytesSize)", () => {
  it.each([
    [0, "0B"],
    [1023, "1023B"],
    [1024, "1KiB"],
    [1572864, "1.5MiB"],
    [67108864, "64MiB"],
    [8216522752, "7.652GiB"],
    [1234567, "1.177MiB"],
  ])("%d bytes → %s", (bytes, expected) => {
    expect(formatBinarySize(bytes)).toBe(expected);
  });
});
