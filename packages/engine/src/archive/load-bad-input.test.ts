import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fileLayer, legacyArchive, legacyArchiveEntries, makeImage, ociArchiveEntries, type BuiltImage } from "../test-support/image-archive.js";
import { loadArchiveFile } from "../test-support/image-fixtures.js";
import { expectCanaryNowhere, expectRefusedCleanly } from "../test-support/refusal.js";
import { createSandboxedRoot, type SandboxedRoot } from "../test-support/sandboxed-root.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { buildTar, bytesOf, type TarEntrySpec } from "../test-support/tar-builder.js";

// Hostile and broken archives given to load: each is refused with a BerthError naming the
// problem, and leaves the image list, the store and everything beside the root as they were.

describe("load refuses bad archives cleanly", () => {
  let box: SandboxedRoot;
  let image: BuiltImage;
  beforeEach(async () => {
    box = await createSandboxedRoot();
    // something stored already, so that "unchanged" means something
    const resident = makeImage({ layers: [await fileLayer("etc/resident", "resident\n")] });
    await box.engine.images.load({ kind: "stream", stream: bytesOf(await legacyArchive([{ image: resident, repoTags: ["localhost/resident:1"] }])) });
    image = makeImage({
      layers: [await fileLayer("one/file", "x".repeat(200_000)), await fileLayer("two/file", "y".repeat(100_000))],
    });
  });
  afterEach(async () => box.cleanup());

  const load = (archive: Uint8Array) => () => box.engine.images.load({ kind: "stream", stream: bytesOf(archive) });
  const tarOf = (entries: TarEntrySpec[]) => buildTar(entries);

  it("refuses bytes that are not a tar", async () => {
    const garbage = Buffer.alloc(64 * 1024, "this is not a tar archive at all. ");
    await expectRefusedCleanly(box, load(garbage), { code: "DATA_CORRUPTED", message: /invalid image archive: .*invalid tar/i });
  });

  it("refuses a truncated archive, plain or gzip-compressed, streamed or read in place from a file", async () => {
    const archive = await legacyArchive([{ image, repoTags: ["localhost/cut:1"] }]);
    const cut = archive.subarray(0, Math.floor(archive.length * 0.6));
    await expectRefusedCleanly(box, load(cut), { code: "DATA_CORRUPTED", message: /invalid image archive: unexpected end/ });
    await expectRefusedCleanly(box, () => loadArchiveFile(box.engine, cut), { code: "DATA_CORRUPTED", message: /invalid image archive: unexpected end/ });
    const zipped = gzipSync(archive);
    await expectRefusedCleanly(box, load(zipped.subarray(0, zipped.length - 100)), { code: "DATA_CORRUPTED", message: /unexpected end|truncated|gzip/i });
  });

  it("refuses archive entries that climb out of the archive (../name, /abs/name)", async () => {
    const good = legacyArchiveEntries([{ image, repoTags: ["localhost/slip:1"] }]);
    for (const name of [`../${box.canaryName}`, `blobs/../../${box.canaryName}`, `/tmp/${box.canaryName}`]) {
      const archive = await tarOf([{ name, content: "escaped" }, ...good]);
      await expectRefusedCleanly(box, load(archive), { code: "DATA_CORRUPTED", message: /points outside the archive/ });
    }
  });

  it("refuses archive symlinks that lead out, directly or through other symlinks", async () => {
    const good = legacyArchiveEntries([{ image, repoTags: ["localhost/slip:1"] }]);
    const attempts: TarEntrySpec[][] = [
      [{ name: "etc", type: "symlink", linkname: "/" }, { name: `etc/${box.canaryName}`, content: "escaped" }],
      [{ name: "up", type: "symlink", linkname: ".." }, { name: `up/${box.canaryName}`, content: "escaped" }],
      // each link looks harmless where its name says it is, but is created through the previous one
      [
        { name: "a", type: "symlink", linkname: "." },
        { name: "a/b", type: "symlink", linkname: ".." },
        { name: "b/c", type: "symlink", linkname: ".." },
        { name: "b/c/d", type: "symlink", linkname: ".." },
        { name: `b/c/d/${box.canaryName}`, content: "escaped" },
      ],
    ];
    for (const entries of attempts) {
      const archive = await tarOf([...entries, ...good]);
      await expectRefusedCleanly(box, load(archive), { code: "DATA_CORRUPTED", message: /outside the archive|symlink/ });
      await expectRefusedCleanly(box, () => loadArchiveFile(box.engine, archive), { code: "DATA_CORRUPTED", message: /outside the archive|symlink/ });
    }
  });

  it("refuses a layer with a ../ entry, and re-roots writes through a layer symlink `etc -> /` inside the layer", async () => {
    const slipLayer = await buildTar([{ name: `../${box.canaryName}`, content: "escaped" }]);
    const slip = makeImage({ layers: [slipLayer] });
    await expectRefusedCleanly(box, load(await legacyArchive([{ image: slip, repoTags: ["localhost/slip:1"] }])), {
      code: "INVALID_ARGUMENT",
      message: new RegExp(`\\.\\./${box.canaryName}`),
    });
    // Like docker (which applies layers chrooted), a symlink to / inside a layer means the layer's own root.
    const viaLink = await buildTar([
      { name: "etc", type: "symlink", linkname: "/" },
      { name: `etc/${box.canaryName}`, content: "stays in the layer" },
    ]);
    const linked = makeImage({ layers: [viaLink] });
    const outside = await box.outsideDigest();
    await box.engine.images.load({ kind: "stream", stream: bytesOf(await legacyArchive([{ image: linked, repoTags: ["localhost/linked:1"] }])) });
    const diff = join(box.root, "layers", linked.chainIds[0]!.slice(7), "diff");
    expect(await readFile(join(diff, box.canaryName), "utf8")).toBe("stays in the layer");
    expect(await box.outsideDigest()).toBe(outside);
    await expectCanaryNowhere(box);
    await expectConsistentStore(box.engine, box.root);
  });

  it("refuses a manifest that names a layer the archive does not hold", async () => {
    const entries = legacyArchiveEntries([{ image, repoTags: ["localhost/missing:1"] }]);
    const missing = entries.filter((entry) => entry.name.endsWith("/layer.tar"))[1]!;
    const archive = await tarOf(entries.filter((entry) => entry !== missing));
    await expectRefusedCleanly(box, load(archive), { code: "DATA_CORRUPTED", message: new RegExp(`archive is missing ${missing.name}`) });
  });

  it("refuses a layer whose bytes do not hash to the config's diff_id", async () => {
    const other = await fileLayer("two/file", "z".repeat(100_000));
    const entries = legacyArchiveEntries([{ image, repoTags: ["localhost/wrong:1"] }]).map((entry) =>
      entry.content === image.layers[1] ? { ...entry, content: other } : entry,
    );
    const calculated = makeImage({ layers: [other] }).diffIds[0]!;
    await expectRefusedCleanly(box, load(await tarOf(entries)), {
      code: "DATA_CORRUPTED",
      message: new RegExp(`invalid diffID for layer 1: calculated ${calculated}, expected ${image.diffIds[1]}`),
    });
  });

  it("refuses an OCI-layout archive whose blob does not match its digest", async () => {
    const entries = ociArchiveEntries([{ image, repoTags: ["localhost/oci:1"] }], { ociOnly: true }).map((entry) =>
      entry.content === image.layers[0] ? { ...entry, content: Buffer.concat([image.layers[0]!.subarray(0, 1024), Buffer.alloc(image.layers[0]!.length - 1024)]) } : entry,
    );
    await expectRefusedCleanly(box, load(await tarOf(entries)), { code: "DATA_CORRUPTED", message: /invalid diffID for layer 0/ });
  });

  it("refuses an archive with neither manifest.json nor index.json", async () => {
    const entries = legacyArchiveEntries([{ image, repoTags: ["localhost/none:1"] }]).filter((entry) => entry.name !== "manifest.json");
    await expectRefusedCleanly(box, load(await tarOf(entries)), { code: "DATA_CORRUPTED", message: /neither manifest\.json nor index\.json/ });
    await expectRefusedCleanly(box, load(await tarOf([])), { code: "DATA_CORRUPTED", message: /neither manifest\.json nor index\.json/ });
  });

  it("refuses a manifest.json that is not valid JSON or names an invalid tag", async () => {
    const entries = legacyArchiveEntries([{ image, repoTags: ["localhost/bad:1"] }]);
    const withManifest = (content: string) => entries.map((entry) => (entry.name === "manifest.json" ? { ...entry, content } : entry));
    await expectRefusedCleanly(box, load(await tarOf(withManifest("[{not json"))), { code: "DATA_CORRUPTED", message: /manifest\.json is not valid JSON/ });
    const manifest = JSON.parse(String(entries.find((entry) => entry.name === "manifest.json")!.content)) as { RepoTags: string[] }[];
    manifest[0]!.RepoTags = ["Localhost/Bad:1"];
    await expectRefusedCleanly(box, load(await tarOf(withManifest(JSON.stringify(manifest)))), {
      code: "INVALID_ARGUMENT",
      message: /invalid reference format/,
    });
  });
});
