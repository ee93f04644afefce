import { randomBytes } from "node:crypto";
import { appendFile, chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { applyLayerTar } from "./tar-apply.js";
import { SplitRecorder } from "./tar-split.js";
import { openSplitTar } from "./tar-split-assemble.js";
import { buildTar, chunked, layerTarBytes } from "./test-support/tar-fixtures.js";

const tempDir = useTempDirs("split");

/** Applies `tar` (fed in `chunkSize` pieces) with a split record; returns where both went. */
async function applyWithSplit(tar: Buffer, chunkSize: number) {
  const dir = await tempDir();
  const diff = join(dir, "diff");
  await mkdir(diff);
  const splitPath = join(dir, "tar-split");
  const split = new SplitRecorder(splitPath, diff);
  const result = await applyLayerTar(chunked(tar, chunkSize), diff, { split });
  split.finish();
  return { diff, splitPath, split, result };
}

async function reassemble(splitPath: string, diff: string, diffId: string): Promise<Buffer> {
  const tar = await openSplitTar(splitPath, diff, diffId);
  const bytes = await layerTarBytes(tar);
  expect(bytes.length).toBe(tar.size);
  return bytes;
}

const big = randomBytes(5 * 1024 * 1024 + 123);

const layer = () =>
  buildTar([
    { name: "etc/", type: "directory", mode: 0o755 },
    { name: "etc/hostname", content: "berth\n", uid: 1000, gid: 1001, pax: { "SCHILY.xattr.user.note": "hello" } },
    { name: "etc/empty", content: "" },
    { name: "bin/", type: "directory", mode: 0o755 },
    { name: "bin/big", content: big, mode: 0o4755 },
    { name: "bin/big-again", type: "link", linkname: "bin/big" },
    { name: "bin/sh", type: "symlink", linkname: "/bin/busybox" },
    { name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
    { name: ".wh.removed" },
    { name: "opaque/", type: "directory", mode: 0o750 },
    { name: "opaque/.wh..wh..opq" },
    { name: `deep/${"n".repeat(150)}/file`, content: randomBytes(513) },
    { name: ".wh..wh.plnk/123.456", content: "aufs hard link store" },
  ]);

describe("tar-split", () => {
  it("reassembles the exact layer tar from the split record and the diff dir, whatever the chunking", async () => {
    const tar = Buffer.concat([await layer(), Buffer.from("bytes after the end-of-archive blocks")]);
    for (const chunkSize of [97, 511, 7919, 1 << 20]) {
      const { diff, splitPath, split, result } = await applyWithSplit(tar, chunkSize);
      expect(split.isAbandoned).toBe(false);
      expect((await reassemble(splitPath, diff, result.diffId)).equals(tar)).toBe(true);
      // the file data is not in the record: only headers, padding and the rest (the tar is 5 MiB)
      expect((await stat(splitPath)).size).toBeLessThan(64 * 1024);
    }
  });

  it("reassembles, hashed, when a file's ctime changed but not its bytes, and from a record without ctimes", async () => {
    const tar = await layer();
    const touched = await applyWithSplit(tar, 7919);
    await chmod(join(touched.diff, "etc/hostname"), 0o600);
    expect((await reassemble(touched.splitPath, touched.diff, touched.result.diffId)).equals(tar)).toBe(true);
    // a record written before ctimes were kept ends at its last R frame; the C frame holds one
    // ctime per file with data: etc/hostname, bin/big, deep/…/file
    const old = await applyWithSplit(tar, 7919);
    const record = await readFile(old.splitPath);
    expect(record[record.length - 5 - 8 * 3]).toBe("C".charCodeAt(0));
    await writeFile(old.splitPath, record.subarray(0, record.length - 5 - 8 * 3));
    expect((await reassemble(old.splitPath, old.diff, old.result.diffId)).equals(tar)).toBe(true);
  });

  it("is abandoned when an entry replaces content of the same layer", async () => {
    const tar = await buildTar([
      { name: "a", content: "first" },
      { name: "a", content: "second" },
    ]);
    const { diff, split } = await applyWithSplit(tar, 7919);
    expect(split.isAbandoned).toBe(true);
    expect(await readFile(join(diff, "a"), "utf8")).toBe("second");
  });

  it("refuses to reassemble when a file of the diff dir changed", async () => {
    const { diff, splitPath, result } = await applyWithSplit(await layer(), 7919);
    await appendFile(join(diff, "etc/hostname"), "x");
    await expect(reassemble(splitPath, diff, result.diffId)).rejects.toMatchObject({ code: "DATA_CORRUPTED", message: expect.stringContaining("etc/hostname") });
  });

  it("refuses to reassemble content that no longer hashes to the diff_id", async () => {
    const { diff, splitPath, result } = await applyWithSplit(await layer(), 7919);
    const hostname = join(diff, "etc/hostname");
    await writeFile(hostname, "BERTH\n");
    await expect(reassemble(splitPath, diff, result.diffId)).rejects.toMatchObject({ code: "DATA_CORRUPTED", message: expect.stringContaining(result.diffId) });
  });
});
