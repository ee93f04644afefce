import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { applyLayerTar } from "./tar-apply.js";
import { describeTree } from "./test-support/tar-fixtures.js";

// Performance sanity, not a timed assertion: applyLayerTar against GNU tar -xf on the same
// ~200 MB tar of many files. Both write into a fresh dir; neither syncs.

const tempDir = useTempDirs("throughput");

async function makeSourceTree(dir: string): Promise<void> {
  const pool = randomBytes(4 << 20);
  let offset = 0;
  for (let d = 0; d < 200; d++) {
    const sub = join(dir, `dir-${d}`, `sub-${d % 7}`);
    await mkdir(sub, { recursive: true });
    for (let f = 0; f < 100; f++) {
      // Mostly small files with a few large ones, ~10 KiB on average.
      const size = f % 50 === 0 ? 180_000 : (f * 977 + d * 131) % 12_000;
      if (offset + size > pool.length) offset = 0;
      await writeFile(join(sub, `file-${f}.bin`), pool.subarray(offset, offset + size));
      offset += size;
    }
  }
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

describe("applyLayerTar throughput", () => {
  it("prints MB/s against tar -xf", async () => {
    const dir = await tempDir();
    const source = join(dir, "source");
    await makeSourceTree(source);
    const tarFile = join(dir, "layer.tar");
    await execa("tar", ["--numeric-owner", "-cf", tarFile, "-C", source, "."]);
    const megabytes = (await stat(tarFile)).size / 1e6;
    await execa("cat", [tarFile], { stdout: "ignore" }); // warm the page cache for both
    const rows: string[] = [];
    for (let round = 0; round < 2; round++) {
      const ours = join(dir, `ours-${round}`);
      const theirs = join(dir, `theirs-${round}`);
      await mkdir(ours);
      await mkdir(theirs);
      const oursSeconds = await timed(() => applyLayerTar(createReadStream(tarFile, { highWaterMark: 1 << 20 }), ours));
      const tarSeconds = await timed(() => execa("tar", ["-xf", tarFile, "-C", theirs]));
      rows.push(
        `round ${round}: ${megabytes.toFixed(0)} MB, 20000 files: applyLayerTar ${(megabytes / oursSeconds).toFixed(0)} MB/s (${oursSeconds.toFixed(2)} s), tar -xf ${(megabytes / tarSeconds).toFixed(0)} MB/s (${tarSeconds.toFixed(2)} s)`,
      );
      if (round === 0) expect(await describeTree(ours)).toEqual(await describeTree(theirs));
    }
    console.log(rows.join("\n"));
  }, 300_000);
});
