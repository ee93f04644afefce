import { describe, expect, it } from "vitest";
import { toListOptions } from "./ls.js";

describe("toListOptions", () => {
  it("turns -f flags and the operand into list options", () => {
    expect(toListOptions(["dangling=false", "label=a=b", "reference=busy*", "label=c"], "alpine:3", true)).toEqual({
      all: true,
      dangling: false,
      references: ["busy*", "alpine:3"],
      labels: ["a=b", "c"],
    });
    expect(toListOptions([], undefined, false)).toEqual({ all: false });
  });

  it("lets dangling=true win over dangling=false, like docker", () => {
    expect(toListOptions(["dangling=false", "dangling=1"], undefined, false).dangling).toBe(true);
  });

  it("refuses unknown keys and values with docker's messages", () => {
    expect(() => toListOptions(["since=x"], undefined, false)).toThrow("invalid filter 'since'");
    expect(() => toListOptions(["dangling=maybe"], undefined, false)).toThrow("invalid filter 'dangling=maybe'");
    expect(() => toListOptions(["dangling"], undefined, false)).toThrow("bad format of filter (expected name=value)");
  });
});
