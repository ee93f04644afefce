import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { applyLayerTar } from "./tar-apply.js";
import { buildTar, chunked } from "./test-support/tar-fixtures.js";

const tempDir = useTempDirs("corrupt");

async function applyBytes(data: Uint8Array) {
  const target = join(await tempDir(), "layer");
  await mkdir(target);
  return applyLayerTar(chunked(data, 1000), target).then(
    (result) => result,
    (error: unknown) => error,
  );
}

async function sampleTar(): Promise<Buffer> {
  return buildTar([
    { name: "dir/", type: "directory" },
    { name: "dir/file", content: randomBytes(5000) },
    { name: "dir/other", content: "x" },
  ]);
}

describe("applyLayerTar on corrupt input", () => {
  it("reports garbage and a damaged header as invalid tar header", async () => {
    expect(await applyBytes(randomBytes(64 * 1024))).toMatchObject({ code: "DATA_CORRUPTED", message: expect.stringContaining("invalid tar header") });
    const tar = await sampleTar();
    tar[512 + 3] = tar[512 + 3]! ^ 0x55; // inside the second header: its checksum no longer matches
    expect(await applyBytes(tar)).toMatchObject({ code: "DATA_CORRUPTED", message: expect.stringContaining("invalid tar header") });
    const pax = await buildTar([{ name: "p", content: "x", pax: { "SCHILY.xattr.user.a": "b" } }]);
    const badPax = Buffer.from(pax);
    badPax.write("99", 512, "latin1"); // the PAX record length now overruns the data
    expect(await applyBytes(badPax)).toMatchObject({ code: "DATA_CORRUPTED" });
  });

  it("reports every kind of truncation as unexpected end of layer tar", async () => {
    const tar = await sampleTar();
    const dataOfFile = 512 * 3 + 100; // inside dir/file's data
    for (const length of [0, 100, 512, 1024 + 200, dataOfFile, tar.length - 1024, tar.length - 2048 + 1]) {
      const result = await applyBytes(tar.subarray(0, length));
      expect(result, `truncated at ${length}`).toMatchObject({
        code: "DATA_CORRUPTED",
        message: expect.stringContaining("unexpected end of layer tar"),
      });
    }
    // Complete tars (trailer included) still apply, whatever follows the trailer.
    expect(await applyBytes(Buffer.concat([tar, Buffer.alloc(3000)]))).toMatchObject({ size: tar.length + 3000 });
  });

  it("reports truncated or damaged compressed streams", async () => {
    const tar = await sampleTar();
    const gz = gzipSync(tar);
    expect(await applyBytes(gz.subarray(0, gz.length - 20))).toMatchObject({ code: "DATA_CORRUPTED" });
    const dir = await tempDir();
    await writeFile(join(dir, "t.tar"), tar);
    for (const tool of ["zstd", "xz", "bzip2"]) {
      const { stdout } = await execa(tool, ["-c", join(dir, "t.tar")], { encoding: "buffer" });
      const compressed = Buffer.from(stdout);
      expect(await applyBytes(compressed.subarray(0, compressed.length - 30)), `${tool} truncated`).toMatchObject({ code: "DATA_CORRUPTED" });
      const damaged = Buffer.from(compressed);
      damaged.fill(0x41, 20, 60);
      expect(await applyBytes(damaged), `${tool} damaged`).toMatchObject({ code: "DATA_CORRUPTED" });
    }
  });
});
