import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { applyLayerTar } from "./tar-apply.js";
import { buildTar, describeTree, type FixtureEntry } from "./test-support/tar-fixtures.js";

// Performance sanity, not a timed assertion: applyLayerTar against GNU tar -xf on the same
// ~200 MB tar of 20,000 files (mostly small, a few large). Both extract into a fresh dir from
// a file in the page cache; neither syncs. Prints the figures.

const tempDir = useTempDirs("throughput");

function manyFiles(): FixtureEntry[] {
  const pool = randomBytes(4 << 20);
  const entries: FixtureEntry[] = [];
  let offset = 0;
  for (let d = 0; d < 200; d++) {
    entries.push({ name: `dir-${d}/`, type: "directory", mode: 0o755 });
    for (let f = 0; f < 100; f++) {
      const size = f % 50 === 0 ? 180_000 : (f * 977 + d * 131) % 12_000;
      if (offset + size > pool.length) offset = 0;
      entries.push({ name: `dir-${d}/file-${f}.bin`, content: pool.subarray(offset, offset + size), uid: d % 3 });
      offset += size;
    }
  }
  return entries;
}

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

describe("applyLayerTar throughput", () => {
  it("prints MB/s against tar -xf", async () => {
    const dir = await tempDir();
    const tar = await buildTar(manyFiles());
    const file = join(dir, "layer.tar");
    await writeFile(file, tar);
    const megabytes = tar.length / 1e6;
    const rows: string[] = [];
    for (let round = 0; round < 2; round++) {
      const ours = join(dir, `ours-${round}`);
      const theirs = join(dir, `theirs-${round}`);
      await mkdir(ours);
      await mkdir(theirs);
      const runOurs = () => seconds(() => applyLayerTar(createReadStream(file, { highWaterMark: 1 << 20 }), ours));
      const runTar = () => seconds(() => execa("tar", ["-xf", file, "-C", theirs]));
      // Alternate who goes first: the host's load and page cache should not favour one side.
      let oursTime: number;
      let tarTime: number;
      if (round % 2 === 0) {
        oursTime = await runOurs();
        tarTime = await runTar();
      } else {
        tarTime = await runTar();
        oursTime = await runOurs();
      }
      rows.push(
        `${megabytes.toFixed(0)} MB, 20000 files: applyLayerTar ${(megabytes / oursTime).toFixed(0)} MB/s (${oursTime.toFixed(2)} s), tar -xf ${(megabytes / tarTime).toFixed(0)} MB/s (${tarTime.toFixed(2)} s)`,
      );
      if (round === 0) expect(await describeTree(ours, { withDirTimes: true })).toEqual(await describeTree(theirs, { withDirTimes: true }));
      await Promise.all([rm(ours, { recursive: true }), rm(theirs, { recursive: true })]);
    }
    console.log(rows.join("\n"));
  }, 300_000);
});
