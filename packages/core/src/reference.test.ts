import { describe, expect, it } from "vitest";
import { isBerthError } from "./errors.js";
import { familiarName, isImageIdLike, looksLikeIdPrefix, parseReference } from "./reference.js";
import { matchReferencePattern } from "./reference-match.js";

const hex = "0123456789abcdef".repeat(4);
const digest = `sha256:${hex}`;

describe("parseReference normalization (formats.md §7)", () => {
  it.each([
    ["busybox", "docker.io", "library/busybox", "latest", "docker.io/library/busybox:latest", "busybox:latest"],
    ["library/busybox", "docker.io", "library/busybox", "latest", "docker.io/library/busybox:latest", "busybox:latest"],
    ["docker.io/busybox", "docker.io", "library/busybox", "latest", "docker.io/library/busybox:latest", "busybox:latest"],
    ["index.docker.io/library/busybox:1.36", "docker.io", "library/busybox", "1.36", "docker.io/library/busybox:1.36", "busybox:1.36"],
    ["localhost", "docker.io", "library/localhost", "latest", "docker.io/library/localhost:latest", "localhost:latest"],
    ["localhost/foo", "localhost", "foo", "latest", "localhost/foo:latest", "localhost/foo:latest"],
    ["localhost:5000/a/b:tag", "localhost:5000", "a/b", "tag", "localhost:5000/a/b:tag", "localhost:5000/a/b:tag"],
    ["foo/bar", "docker.io", "foo/bar", "latest", "docker.io/foo/bar:latest", "foo/bar:latest"],
    ["example.com/foo", "example.com", "foo", "latest", "example.com/foo:latest", "example.com/foo:latest"],
    ["Foo/bar", "Foo", "bar", "latest", "Foo/bar:latest", "Foo/bar:latest"],
    ["[::1]:5000/foo:v1", "[::1]:5000", "foo", "v1", "[::1]:5000/foo:v1", "[::1]:5000/foo:v1"],
    ["docker.io/library/distros/ubuntu", "docker.io", "library/distros/ubuntu", "latest",
      "docker.io/library/distros/ubuntu:latest", "library/distros/ubuntu:latest"],
    ["a__b/c-----d.e_f:Tag_1.x-y", "docker.io", "a__b/c-----d.e_f", "Tag_1.x-y",
      "docker.io/a__b/c-----d.e_f:Tag_1.x-y", "a__b/c-----d.e_f:Tag_1.x-y"],
  ])("%s", (text, domain, path, tag, canonical, familiar) => {
    const ref = parseReference(text);
    expect(ref).toMatchObject({ domain, path, tag, canonical, familiar });
    expect(ref.repository).toBe(`${domain}/${path}`);
    expect(ref.digest).toBeUndefined();
  });

  it("keeps a digest without adding latest", () => {
    const ref = parseReference(`busybox@${digest}`);
    expect(ref.tag).toBeUndefined();
    expect(ref.digest).toBe(digest);
    expect(ref.canonical).toBe(`docker.io/library/busybox@${digest}`);
    expect(ref.familiar).toBe(`busybox@${digest}`);
    expect(ref.familiarRepository).toBe("busybox");
  });

  it("keeps both tag and digest in the canonical form", () => {
    const ref = parseReference(`busybox:1.36@${digest}`);
    expect(ref).toMatchObject({ tag: "1.36", digest, canonical: `docker.io/library/busybox:1.36@${digest}` });
  });
});

describe("parseReference errors", () => {
  it.each([
    ["Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase"],
    ["docker.io/Foo/bar", "invalid reference format: repository name (Foo/bar) must be lowercase"],
    ["", "invalid reference format"],
    ["busybox:", "invalid reference format"],
    [":tag", "invalid reference format"],
    ["foo//bar", "invalid reference format"],
    ["foo/", "invalid reference format"],
    ["-foo", "invalid reference format"],
    ["foo..bar", "invalid reference format"],
    ["foo bar", "invalid reference format"],
    ["-x.com/foo", "invalid reference format"],
    [`busybox:${"a".repeat(129)}`, "invalid reference format"],
    ["busybox@sha256:abc", "invalid reference format"],
    [`busybox@sha256:${"a".repeat(40)}`, "invalid checksum digest length"],
    [hex, `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`],
    ["a".repeat(256), "invalid reference format: repository name must not be more than 255 characters"],
  ])("%j", (text, message) => {
    try {
      parseReference(text);
      expect.unreachable();
    } catch (error) {
      expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
      expect((error as Error).message).toContain(message);
    }
  });

  it("counts the path (with library/) against the 255 limit, not the domain", () => {
    expect(parseReference("a".repeat(247)).path).toHaveLength(255);
    expect(() => parseReference("a".repeat(248))).toThrow("must not be more than 255 characters");
    expect(parseReference(`${"d".repeat(60)}.example.com/${"b".repeat(255)}`).path).toHaveLength(255);
  });
});

describe("familiarName and ID helpers", () => {
  it("strips docker.io and library/ only for official images", () => {
    expect(familiarName("docker.io/library/busybox:latest")).toBe("busybox:latest");
    expect(familiarName("docker.io/foo/bar")).toBe("foo/bar");
    expect(familiarName("docker.io/library/a/b")).toBe("library/a/b");
    expect(familiarName("localhost:5000/library/x")).toBe("localhost:5000/library/x");
  });

  it("recognizes image IDs and ID prefixes", () => {
    expect(isImageIdLike(hex)).toBe(true);
    expect(isImageIdLike(digest)).toBe(true);
    expect(isImageIdLike(hex.slice(1))).toBe(false);
    expect(isImageIdLike(hex.toUpperCase())).toBe(false);
    expect(looksLikeIdPrefix("3f5")).toBe(true);
    expect(looksLikeIdPrefix("sha256:3f5")).toBe(true);
    expect(looksLikeIdPrefix("busybox")).toBe(false);
    expect(looksLikeIdPrefix("")).toBe(false);
    expect(looksLikeIdPrefix("sha256:")).toBe(false);
  });
});

describe("matchReferencePattern", () => {
  const busybox = parseReference("busybox:1.36");
  const local = parseReference("localhost:5000/team/app:v2");

  it.each([
    ["busybox", busybox, true],
    ["busy*", busybox, true],
    ["busybox:1.36", busybox, true],
    ["busybox:1.*", busybox, true],
    ["busybox:latest", busybox, false],
    ["docker.io/library/busybox", busybox, false],
    ["*", local, false],
    ["localhost:5000/*/app", local, true],
    ["localhost:5000/team/app:v?", local, true],
    ["localhost:5000/team/[a-b]pp", local, true],
    ["localhost:5000/team/[^a]pp", local, false],
  ])("%s", (pattern, ref, expected) => {
    expect(matchReferencePattern(pattern, ref)).toBe(expected);
  });

  it("rejects a malformed pattern", () => {
    expect(() => matchReferencePattern("busy[", busybox)).toThrow("syntax error in pattern");
  });
});
