import { describe, expect, it } from "vitest";
import { matchPathPattern } from "./path-match.js";

describe("matchPathPattern (Go path.Match)", () => {
  it.each([
    ["abc", "abc", true],
    ["*", "abc", true],
    ["*c", "abc", true],
    ["a*", "a", true],
    ["a*/b", "abc/b", true],
    ["a*/b", "a/c/b", false],
    ["a*b*c*d*e*/f", "axbxcxdxe/f", true],
    ["a*b?c*x", "abxbbxdbxebxczzx", true],
    ["a*b?c*x", "abxbbxdbxebxczzy", false],
    ["ab[c]", "abc", true],
    ["ab[b-d]", "abc", true],
    ["ab[e-g]", "abc", false],
    ["ab[^c]", "abc", false],
    ["ab[^b-d]", "abe", true],
    ["a\\*b", "a*b", true],
    ["a\\*b", "ab", false],
    ["a?b", "a☺b", true],
    ["a[^a]b", "a☺b", true],
    ["a???b", "a☺b", false],
    ["*x", "xxx", true],
    ["a.b", "aXb", false],
    ["(x)", "(x)", true],
  ])("%s vs %s", (pattern, name, expected) => {
    expect(matchPathPattern(pattern, name)).toBe(expected);
  });

  it.each(["[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[a-b-c]", "\\", "[\\]", "a[b-a]"])(
    "rejects %s",
    (pattern) => {
      expect(() => matchPathPattern(pattern, "a")).toThrow("syntax error in pattern");
    },
  );
});
