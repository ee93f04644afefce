import { describe, expect, it } from "vitest";
import { toEventQuery } from "./events.js";

const now = new Date("2026-11-29T12:00:00Z");
const signal = new AbortController().signal;

describe("events query", () => {
  it("follows only new events when neither --since nor --until is given, like docker", () => {
    const query = toEventQuery({ filter: [], since: undefined, until: undefined }, now, signal);
    expect(query.since).toEqual(now);
    expect(query.follow).toBe(true);
  });

  it("replays the past up to --until without following", () => {
    const query = toEventQuery({ filter: [], since: undefined, until: "10m" }, now, signal);
    expect(query.since).toBeUndefined();
    expect(query.until).toEqual(new Date("2026-11-29T11:50:00Z"));
    expect(query.follow).toBe(false);
  });

  it("replays from --since and keeps following", () => {
    const query = toEventQuery({ filter: ["type=image"], since: "1h", until: undefined }, now, signal);
    expect(query.since).toEqual(new Date("2026-11-29T11:00:00Z"));
    expect(query.filters).toEqual({ type: ["image"] });
    expect(query.follow).toBe(true);
  });
});
