import { spawnSync } from "node:child_process";
import { mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { commitStaged, createStagingDir, stagingOwnerPid, sweepStaging } from "./staging.js";
import { useTempDirs } from "./test-support/temp-dirs.js";

const tempDir = useTempDirs("staging");

function deadPid(): number {
  const child = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

describe("staging", () => {
  it("creates <root>/tmp/<purpose>-<pid>-<random> owned by this pid", async () => {
    const root = await tempDir();
    const dir = await createStagingDir(root, "layer");
    expect(dir.startsWith(join(root, "tmp", `layer-${process.pid}-`))).toBe(true);
    expect(stagingOwnerPid(basename(dir))).toBe(process.pid);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    await expect(createStagingDir(root, "../x")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("sweeps only entries whose owner is dead", async () => {
    const root = await tempDir();
    const live = await createStagingDir(root, "layer");
    const dead = join(root, "tmp", `layer-${deadPid()}-0123456789abcdef`);
    await mkdir(join(dead, "diff"), { recursive: true });
    await writeFile(join(dead, "diff", "f"), "x");
    const foreign = join(root, "tmp", "not-ours");
    await mkdir(foreign);
    expect(await sweepStaging(root)).toEqual([dead]);
    expect((await readdir(join(root, "tmp"))).sort()).toEqual([basename(live), "not-ours"].sort());
    expect(await sweepStaging(join(root, "missing"))).toEqual([]);
  });

  it("leaves a dead owner's entry alone while something is mounted inside it", async () => {
    const root = await tempDir();
    const dead = join(root, "tmp", `layer-${deadPid()}-fedcba9876543210`);
    await mkdir(join(dead, "merged"), { recursive: true });
    await execa("mount", ["-t", "tmpfs", "tmpfs", join(dead, "merged")]);
    try {
      expect(await sweepStaging(root)).toEqual([]);
    } finally {
      await execa("umount", [join(dead, "merged")]);
    }
    expect(await sweepStaging(root)).toEqual([dead]);
  });

  it("commits a directory once; a second writer gets 'exists' and its copy is discarded", async () => {
    const root = await tempDir();
    const final = join(root, "layers", "abc");
    const first = await createStagingDir(root, "layer");
    await writeFile(join(first, "f"), "first");
    const second = await createStagingDir(root, "layer");
    await writeFile(join(second, "f"), "second");
    expect(await commitStaged(first, final)).toBe("committed");
    expect(await commitStaged(second, final)).toBe("exists");
    expect(await readFile(join(final, "f"), "utf8")).toBe("first");
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("commits a file without ever replacing an existing one", async () => {
    const root = await tempDir();
    const staging = await createStagingDir(root, "blob");
    await writeFile(join(staging, "a"), "one");
    await writeFile(join(staging, "b"), "two");
    const final = join(root, "blobs", "x");
    expect(await commitStaged(join(staging, "a"), final)).toBe("committed");
    expect(await commitStaged(join(staging, "b"), final)).toBe("exists");
    expect(await readFile(final, "utf8")).toBe("one");
    expect(await readdir(staging)).toEqual([]);
  });
});
