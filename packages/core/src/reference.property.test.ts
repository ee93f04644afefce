import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseReference } from "./reference.js";

const alnum = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const separator = fc.constantFrom(".", "_", "__", "-", "---");
const pathComponent = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
  .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(""));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("/"));
const domain = fc.oneof(
  fc.constant("localhost"),
  fc.constant("docker.io"),
  fc.tuple(fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.constantFrom("com", "io", "test")).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.constantFrom("localhost", "registry.test", "[::1]"), fc.integer({ min: 1, max: 65535 })).map(
    ([host, port]) => `${host}:${port}`,
  ),
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`);

/** Without a domain, a first component with a dot would be read as a registry host. */
const referenceText = fc
  .record({ domain: fc.option(domain), path, tag: fc.option(tag), digest: fc.option(digest) })
  .filter((r) => r.domain !== null || !r.path.includes("/") || !r.path.split("/")[0]!.includes("."))
  .map(
    (r) =>
      (r.domain === null ? "" : `${r.domain}/`) +
      r.path +
      (r.tag === null ? "" : `:${r.tag}`) +
      (r.digest === null ? "" : `@${r.digest}`),
  );

describe("parseReference properties", () => {
  it("round-trips through the canonical and the familiar form", () => {
    fc.assert(
      fc.property(referenceText, (text) => {
        const ref = parseReference(text);
        expect(parseReference(ref.canonical)).toEqual(ref);
        // Like docker's, the familiar form of docker.io/a.b/c reads back as registry a.b.
        const first = ref.familiarRepository.split("/")[0]!;
        if (ref.domain !== "docker.io" || !/[.:]/.test(first)) expect(parseReference(ref.familiar)).toEqual(ref);
        expect(ref.tag !== undefined || ref.digest !== undefined).toBe(true);
        expect(ref.canonical.startsWith(`${ref.domain}/${ref.path}`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
