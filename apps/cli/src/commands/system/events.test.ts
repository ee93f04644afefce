import { describe, expect, it } from "vitest";
import { toEventQuery } from "./events.js";

const now = new Date("2024-06-01T12:00:00Z");
const signal = new AbortController().signal;

describe("toEventQuery", () => {
  it("follows new events unless --until ends the stream", () => {
    const query = toEventQuery({ filter: ["type=image", "event=tag", "event=untag"], since: "10m", until: undefined }, now, signal);
    expect(query).toEqual({
      since: new Date("2024-06-01T11:50:00Z"),
      until: undefined,
      filters: { type: ["image"], event: ["tag", "untag"] },
      follow: true,
      signal,
    });
    const bounded = toEventQuery({ filter: [], since: undefined, until: "2024-06-01T11:00:00Z" }, now, signal);
    expect(bounded.follow).toBe(false);
    expect(bounded.until).toEqual(new Date("2024-06-01T11:00:00Z"));
  });

  it("refuses a time it cannot read", () => {
    expect(() => toEventQuery({ filter: [], since: "yesterday-ish", until: undefined }, now, signal)).toThrow();
  });
});
