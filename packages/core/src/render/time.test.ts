import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { formatRelativeTime, formatRfc3339, formatRfc3339Nano, parseTimeOrDuration, ZERO_TIME } from "./time.js";

const now = new Date("2024-06-15T12:00:00Z");
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const before = (ms: number) => new Date(now.getTime() - ms);

describe("formatRelativeTime (units.HumanDuration + ago)", () => {
  it.each([
    [450, "Less than a second ago"],
    [1 * second, "1 second ago"],
    [47 * second, "47 seconds ago"],
    [60 * second, "About a minute ago"],
    [3 * minute, "3 minutes ago"],
    [35 * minute + 40 * second, "35 minutes ago"],
    [51 * minute, "51 minutes ago"],
    [59 * minute, "59 minutes ago"],
    [hour, "About an hour ago"],
    [hour + 29 * minute, "About an hour ago"],
    [hour + 31 * minute, "2 hours ago"],
    [3 * hour, "3 hours ago"],
    [24 * hour, "24 hours ago"],
    [36 * hour, "36 hours ago"],
    [2 * day, "2 days ago"],
    [13 * day + 5 * hour, "13 days ago"],
    [14 * day, "2 weeks ago"],
    [21 * day, "3 weeks ago"],
    [30 * day, "4 weeks ago"],
    [44 * day, "6 weeks ago"],
    [60 * day, "2 months ago"],
    [4 * 30 * day, "4 months ago"],
    [24 * 30 * day, "24 months ago"],
    [24 * 30 * day + 14 * day, "2 years ago"],
    [3 * 365 * day + 60 * day, "3 years ago"],
  ])("%d ms → %s", (ms, expected) => {
    expect(formatRelativeTime(before(ms), now)).toBe(expected);
  });

  it("treats the future as less than a second", () => {
    expect(formatRelativeTime(new Date(now.getTime() + hour), now)).toBe("Less than a second ago");
  });
});

describe("formatRfc3339", () => {
  it("prints whole seconds in UTC", () => {
    expect(formatRfc3339(new Date("2021-03-04T12:34:56.780Z"))).toBe("2021-03-04T12:34:56Z");
    expect(formatRfc3339(new Date("2021-03-04T12:34:56Z"))).toBe("2021-03-04T12:34:56Z");
  });
});

describe("formatRfc3339Nano", () => {
  it("drops trailing zeros of the fraction", () => {
    expect(formatRfc3339Nano(new Date("2021-03-04T12:34:56.780Z"))).toBe("2021-03-04T12:34:56.78Z");
    expect(formatRfc3339Nano(new Date("2021-03-04T12:34:56.000Z"))).toBe("2021-03-04T12:34:56Z");
    expect(formatRfc3339Nano(new Date("2021-03-04T12:34:50.001Z"))).toBe("2021-03-04T12:34:50.001Z");
  });

  it("prints the Go zero time", () => {
    expect(formatRfc3339Nano(ZERO_TIME)).toBe("0001-01-01T00:00:00Z");
  });

  it("rejects an invalid date", () => {
    expect(() => formatRfc3339Nano(new Date(Number.NaN))).toThrow("invalid time value");
  });
});

describe("parseTimeOrDuration (--since / --until)", () => {
  const local = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) =>
    new Date(Date.UTC(y, mo - 1, d, h, mi, s) + now.getTimezoneOffset() * minute);

  it.each([
    ["10m", before(10 * minute)],
    ["1h30m", before(90 * minute)],
    ["1.5s", before(1500)],
    ["-1h", new Date(now.getTime() + hour)],
    ["2021-03-04T12:34:56Z", new Date("2021-03-04T12:34:56Z")],
    ["2021-03-04T12:34:56.5Z", new Date("2021-03-04T12:34:56.500Z")],
    ["2021-03-04T12:34:56+02:00", new Date("2021-03-04T10:34:56Z")],
    ["2021-03-04T12:34-01:00", new Date("2021-03-04T13:34:00Z")],
    ["2021-03-04T12Z", new Date("2021-03-04T12:00:00Z")],
    ["2021-03-04Z", new Date("2021-03-04T00:00:00Z")],
    ["1700000000", new Date(1_700_000_000_000)],
    ["1700000000.25", new Date(1_700_000_000_250)],
    ["0", new Date(0)],
  ])("%s", (text, expected) => {
    expect(parseTimeOrDuration(text, now)).toEqual(expected);
  });

  it("reads times without a zone in the local zone", () => {
    expect(parseTimeOrDuration("2021-03-04", now)).toEqual(local(2021, 3, 4));
    expect(parseTimeOrDuration("2021-03-04T12", now)).toEqual(local(2021, 3, 4, 12));
    expect(parseTimeOrDuration("2021-03-04T12:34:56", now)).toEqual(local(2021, 3, 4, 12, 34, 56));
  });

  it.each(["bogus", "10x", "2021-13-01", "2021-02-30T00:00:00Z", "2021-3-4", ""])("rejects %j", (text) => {
    try {
      parseTimeOrDuration(text, now);
      expect.unreachable();
    } catch (error) {
      expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
    }
  });
});
