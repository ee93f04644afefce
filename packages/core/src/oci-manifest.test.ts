import { describe, expect, it } from "vitest";
import {
  MEDIA_TYPES,
  parseDockerArchiveManifest,
  parseOciIndex,
  parseOciManifest,
} from "./oci-manifest.js";

const digest = `sha256:${"a".repeat(64)}`;
const descriptor = (mediaType: string) => ({ mediaType, digest, size: 10 });

describe("manifests", () => {
  it("accepts OCI and Docker schema 2 manifests", () => {
    const docker = parseOciManifest(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.dockerManifest,
        config: descriptor(MEDIA_TYPES.dockerConfig),
        layers: [descriptor(MEDIA_TYPES.ociLayer)],
      }),
    );
    expect(docker.layers).toHaveLength(1);
    const oci = parseOciManifest(JSON.stringify({ schemaVersion: 2, config: descriptor("x"), layers: null }));
    expect(oci.layers).toEqual([]);
  });

  it("rejects other media types, schema versions and bad descriptors", () => {
    const bad = [
      { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, config: descriptor("x"), layers: [] },
      { schemaVersion: 1, config: descriptor("x"), layers: [] },
      { schemaVersion: 2, config: { mediaType: "x", digest: "sha256:1", size: 1 }, layers: [] },
      { schemaVersion: 2, config: { ...descriptor("x"), size: -1 }, layers: [] },
    ];
    for (const manifest of bad) expect(() => parseOciManifest(JSON.stringify(manifest))).toThrow("invalid image manifest");
  });

  it("reads an index with platforms and annotations", () => {
    const index = parseOciIndex(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [
          { ...descriptor("m"), platform: { architecture: "arm64", os: "linux", variant: "v8" }, annotations: { a: "b" } },
        ],
      }),
    );
    expect(index.manifests[0]?.platform?.variant).toBe("v8");
  });

  it("reads docker save's manifest.json, RepoTags null or absent meaning untagged", () => {
    const entries = parseDockerArchiveManifest(
      JSON.stringify([
        { Config: "blobs/sha256/x", RepoTags: ["busybox:latest"], Layers: ["blobs/sha256/y"], Parent: digest },
        { Config: "c.json", RepoTags: null, Layers: [] },
        { Config: "d.json", Layers: [], LayerSources: { [digest]: descriptor("foreign") } },
      ]),
    );
    expect(entries.map((e) => e.RepoTags)).toEqual([["busybox:latest"], null, null]);
    expect(() => parseDockerArchiveManifest("{}")).toThrow("invalid manifest.json");
  });
});
