import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { chainIdsOf, fileLayer, hexOf, legacyArchive, makeImage, ociArchive, ociArchiveEntries, sha256 } from "../test-support/image-archive.js";
import { loadArchive, loadArchiveFile, saveArchive } from "../test-support/image-fixtures.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { buildTar } from "../test-support/tar-builder.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// What load accepts: docker 20.10's per-layer directories (a repeated layer as a layer.tar
// symlink), docker 25+'s OCI layout with manifest.json, a plain OCI layout (index.json only,
// names from annotations), compressed archives and layers; shared layers stored once.

describe("load layouts", () => {
  let temp: TempRoot;
  beforeEach(async () => {
    temp = await createTempRoot();
  });
  afterEach(async () => temp.cleanup());

  const same = async () => fileLayer("twice", "same bytes\n");

  // A file is read in place (layers applied from where they lie), a stream is unpacked first.
  const sources = [
    ["stream", loadArchive],
    ["file", loadArchiveFile],
  ] as const;

  it.each(sources)("loads docker 20.10's layout, a repeated layer being a symlink to the first layer.tar (from a %s)", async (_, load) => {
    const image = makeImage({ layers: [await fileLayer("a/b", "base\n"), await same(), await same()] });
    const archive = await legacyArchive([{ image, repoTags: ["localhost/legacy:1"] }]);
    const result = await load(temp.engine, archive);
    expect(result).toEqual({ messages: ["Loaded image: localhost/legacy:1"], imageIds: [image.id] });
    expect((await temp.engine.images.inspect("localhost/legacy:1")).RootFS).toEqual({ Type: "layers", Layers: image.diffIds });
    const store = await expectConsistentStore(temp.engine, temp.root);
    expect(store.layerDirs).toHaveLength(3);
    expect(store.blobs).toHaveLength(1); // the config: each layer keeps a split record, not a second copy of its tar
    expect(store.splits).toHaveLength(3);
  });

  it.each(sources)("keeps a layer that overwrites its own file as a whole tar blob, and saves every layer tar back byte for byte (from a %s)", async (_, load) => {
    const overwriting = await buildTar([
      { name: "f", content: "first" },
      { name: "f", content: "second" },
    ]);
    const image = makeImage({ layers: [await fileLayer("a/b", "base\n"), overwriting] });
    await load(temp.engine, await legacyArchive([{ image, repoTags: ["localhost/split:1"] }]));
    const store = await expectConsistentStore(temp.engine, temp.root);
    expect(store.splits).toEqual([hexOf(chainIdsOf(image.diffIds)[0]!)]);
    expect(store.blobs).toEqual([image.id, image.diffIds[1]!].sort());
    const archive = await saveArchive(temp.engine, ["localhost/split:1"]);
    const other = await createTempRoot();
    try {
      // load hashes every layer tar against the config's diff_ids
      expect((await loadArchive(other.engine, archive)).imageIds).toEqual([image.id]);
    } finally {
      await other.cleanup();
    }
  });

  it("loads docker 25+'s layout and stores a base layer shared by two images once", async () => {
    const base = await fileLayer("base/f", "shared\n".repeat(100));
    const one = makeImage({ layers: [base, await fileLayer("one/f", "1")] });
    const two = makeImage({ layers: [base, await fileLayer("two/f", "2")] });
    const result = await loadArchive(temp.engine, await ociArchive([{ image: one, repoTags: ["localhost/one:1"] }, { image: two, repoTags: ["localhost/two:1", "localhost/two:latest"] }]));
    expect(result.messages).toEqual(["Loaded image: localhost/one:1", "Loaded image: localhost/two:1", "Loaded image: localhost/two:latest"]);
    const store = await expectConsistentStore(temp.engine, temp.root);
    expect(store.layerDirs).toHaveLength(3);
  });

  it("loads a plain OCI layout (index.json only) with names from annotations", async () => {
    const tagged = makeImage({ layers: [await fileLayer("t/f", "tagged")] });
    const untagged = makeImage({ layers: [await fileLayer("u/f", "untagged")] });
    const archive = await ociArchive([{ image: tagged, repoTags: ["localhost/oci:1", "busybox:oci"] }, { image: untagged }], { ociOnly: true });
    const result = await loadArchive(temp.engine, archive);
    expect(result.messages).toEqual(["Loaded image: localhost/oci:1", "Loaded image: busybox:oci", `Loaded image ID: ${untagged.id}`]);
    expect((await temp.engine.images.list()).map((image) => image.repoTags)).toEqual(expect.arrayContaining([["busybox:oci", "localhost/oci:1"], []]));
  });

  it("takes a full reference in org.opencontainers.image.ref.name as the name (skopeo, umoci), a bare tag not", async () => {
    const named = makeImage({ layers: [await fileLayer("n/f", "named")] });
    const bare = makeImage({ layers: [await fileLayer("b/f", "bare")] });
    const entries = ociArchiveEntries([{ image: named }, { image: bare }], { ociOnly: true }).map((entry) => {
      if (entry.name !== "index.json") return entry;
      const index = JSON.parse(String(entry.content)) as { manifests: { annotations?: Record<string, string> }[] };
      index.manifests[0]!.annotations = { "org.opencontainers.image.ref.name": "localhost/skopeo:copied" };
      index.manifests[1]!.annotations = { "org.opencontainers.image.ref.name": "latest" };
      return { ...entry, content: JSON.stringify(index) };
    });
    const result = await loadArchive(temp.engine, await buildTar(entries));
    expect(result.messages).toEqual(["Loaded image: localhost/skopeo:copied", `Loaded image ID: ${bare.id}`]);
  });

  it("loads a gzip-compressed archive and gzip-compressed OCI layers, hashing the uncompressed tars", async () => {
    const layer = await fileLayer("z/f", "compressed\n".repeat(1000));
    const image = makeImage({ layers: [layer] });
    const zipped = gzipSync(layer);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: image.id, size: image.configBytes.length },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha256(zipped), size: zipped.length }],
      }),
    );
    const index = { schemaVersion: 2, manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", digest: sha256(manifest), size: manifest.length, annotations: { "io.containerd.image.name": "localhost/gz:1" } }] };
    const archive = await buildTar([
      { name: "oci-layout", content: JSON.stringify({ imageLayoutVersion: "1.0.0" }) },
      ...[image.configBytes, zipped, manifest].map((content) => ({ name: `blobs/sha256/${hexOf(sha256(content))}`, content })),
      { name: "index.json", content: JSON.stringify(index) },
    ]);
    const result = await loadArchive(temp.engine, gzipSync(archive));
    expect(result).toEqual({ messages: ["Loaded image: localhost/gz:1"], imageIds: [image.id] });
    expect((await temp.engine.images.inspect("localhost/gz:1")).RootFS).toEqual({ Type: "layers", Layers: image.diffIds });
    await expectConsistentStore(temp.engine, temp.root);
  });
});
