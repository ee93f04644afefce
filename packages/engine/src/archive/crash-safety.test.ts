import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BerthService } from "@berth/core";
import { resolveRootPaths } from "../config/paths.js";
import { openSplitTar } from "../layers/tar-split-assemble.js";
import { layerTarBytes } from "../layers/test-support/tar-fixtures.js";
import { createEngine } from "../create-engine.js";
import { builtEngineUrl, killChild, startEngineChild, type ChildJob, type EngineChild } from "../test-support/engine-child.js";
import { chainIdsOf, hexOf, legacyArchive, makeImage, sha256, type BuiltImage } from "../test-support/image-archive.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { buildTar } from "../test-support/tar-builder.js";

// SIGKILL a berth process (the built engine, as the CLI runs it) while it loads a large
// multi-layer archive or imports a large tar, at many moments: early, mid-extraction, and while
// it holds the store lock committing. After each kill a fresh engine sees the image either
// complete or absent, `system check --repair` fixes what is left, and the store is exact.

const FILES_PER_LAYER = 1200;
let engineUrl: string;
let work: string;
const roots: string[] = [];
const children: EngineChild[] = [];

beforeAll(async () => {
  engineUrl = await builtEngineUrl();
  work = await mkdtemp(join(tmpdir(), "berth-crash-"));
}, 300_000);
afterAll(async () => {
  await Promise.all(children.map(killChild));
  if (work) await rm(work, { recursive: true, force: true });
  for (const root of roots) await rm(resolveRootPaths(root).runDir, { recursive: true, force: true });
});

/**
 * A layer tar with, per index, a directory `layer-<n>` of many small files, one big one, and a
 * last entry `zz-last` that proves the end was reached.
 */
function bigLayer(...indices: number[]): Promise<Buffer> {
  return buildTar(
    indices.flatMap((index) => {
      const dir = `layer-${index}`;
      const files = Array.from({ length: FILES_PER_LAYER }, (_, n) => ({ name: `${dir}/f${String(n).padStart(5, "0")}`, content: randomBytes(4096) }));
      return [
        { name: `${dir}/`, type: "directory" as const },
        ...files,
        { name: `${dir}/big`, content: randomBytes(6 << 20) },
        { name: `${dir}/zz-last`, content: `last of layer ${index}\n` },
      ];
    }),
  );
}

async function newRoot(): Promise<string> {
  const root = await mkdtemp(join(work, "root-"));
  roots.push(root);
  const engine = await openEngine(root);
  await engine.close();
  return root;
}

const openEngine = (root: string) => createEngine({ root, skipBaseImage: true, systemConfigPath: "/nonexistent", env: {} });

const track = (child: EngineChild) => (children.push(child), child);

const lockFileOf = (root: string) => join(resolveRootPaths(root).locks, "images.lock");

interface Timing {
  /** ms from "ready" to exit */
  duration: number;
  /** ms from "ready" to when the store lock (the commit) was first and last seen held */
  lockFrom: number;
  lockTo: number;
}

/** Runs a job to the end, timing it and the window in which it holds the store lock. */
async function timeJob(root: string, job: ChildJob): Promise<Timing> {
  const child = track(startEngineChild(engineUrl, root, job));
  await child.waitFor("ready");
  const started = Date.now();
  let lockFrom = -1;
  let lockTo = -1;
  while (child.process.exitCode === null) {
    if (existsSync(lockFileOf(root))) {
      lockTo = Date.now() - started;
      if (lockFrom < 0) lockFrom = lockTo;
    }
    await sleep(1);
  }
  const result = await child.exited;
  expect([result.code, result.stderr]).toEqual([0, expect.any(String)]);
  expect(lockFrom).toBeGreaterThanOrEqual(0);
  return { duration: Date.now() - started, lockFrom, lockTo };
}

type KillPoint = { afterMs: number } | { afterLockMs: number };

/** Starts the job and SIGKILLs it at the point; returns whether it had finished by then. */
async function killAt(root: string, job: ChildJob, point: KillPoint): Promise<boolean> {
  const child = track(startEngineChild(engineUrl, root, job));
  try {
    await child.waitFor("ready");
    if ("afterMs" in point) {
      await sleep(point.afterMs);
    } else {
      while (!existsSync(lockFileOf(root)) && child.process.exitCode === null) await sleep(1);
      await sleep(point.afterLockMs);
    }
    const finished = child.process.exitCode !== null;
    await killChild(child);
    return finished;
  } finally {
    await killChild(child);
  }
}

/** A fresh engine sees the image complete or not at all; repair leaves nothing to report; the store is exact. */
async function expectWholeOrAbsent(root: string, expectComplete: (engine: BerthService) => Promise<void>): Promise<string> {
  const engine = await openEngine(root);
  try {
    const images = await engine.images.list({ all: true });
    expect(images.length).toBeLessThanOrEqual(1);
    if (images.length === 1) await expectComplete(engine);
    const found = await engine.system.check({ repair: true });
    expect(found.filter((problem) => !problem.repaired)).toEqual([]);
    expect(await engine.system.check()).toEqual([]);
    await expectConsistentStore(engine, root);
    if (images.length === 1) {
      await engine.images.remove(images[0]!.id, { force: true });
      await expectConsistentStore(engine, root);
    }
    const repaired = [...new Set(found.map((problem) => problem.description.replace(/ (sha256:)?[0-9a-f]{12,}.*? / , " … ")))];
    return `${images.length === 1 ? "present" : "absent"}${repaired.length > 0 ? ` (repaired: ${repaired.join("; ")})` : ""}`;
  } finally {
    await engine.close();
  }
}

async function expectLayersExtracted(root: string, diffIds: string[], blobs: Buffer[]): Promise<void> {
  for (const [index, chainId] of chainIdsOf(diffIds).entries()) {
    const diff = join(root, "layers", hexOf(chainId), "diff");
    expect(await readFile(join(diff, `layer-${index}`, "zz-last"), "utf8")).toBe(`last of layer ${index}\n`);
    expect(await readdir(join(diff, `layer-${index}`))).toHaveLength(FILES_PER_LAYER + 2);
    // the layer's exact tar comes back from its split record
    const tar = await openSplitTar(join(root, "layers", hexOf(chainId), "tar-split"), diff, diffIds[index]!);
    expect(tar.size).toBe(blobs[index]!.length);
    expect((await layerTarBytes(tar)).equals(blobs[index]!)).toBe(true);
  }
}

/** Early kills, kills spread over the run, and kills spread over the commit (store lock held). */
function killPoints({ duration, lockFrom, lockTo }: Timing): KillPoint[] {
  const early = [50, 200, 500, 1000].filter((ms) => ms < duration * 0.5);
  const spread = [0.3, 0.6, 0.85].map((fraction) => Math.round(duration * fraction));
  const commit = [0, 0.3, 0.6, 0.9].map((fraction) => Math.round((lockTo - lockFrom) * fraction));
  return [...[...early, ...spread].map((afterMs) => ({ afterMs })), ...commit.map((afterLockMs) => ({ afterLockMs }))];
}

/**
 * Run the job once to time it, then SIGKILL it at points spread over that time (the commit window
 * under the store lock included): after every kill the image is whole or absent, most kills land
 * before the job finishes, and a last run completes.
 */
async function expectKillsLeaveWholeOrAbsent(root: string, job: ChildJob, complete: (engine: BerthService) => Promise<void>): Promise<void> {
    const timing = await timeJob(root, job);
    expect(await expectWholeOrAbsent(root, complete)).toBe("present");
    const outcomes: string[] = [];
    const points = killPoints(timing);
    for (const point of points) {
      const finished = await killAt(root, job, point);
      outcomes.push(`${JSON.stringify(point)} -> ${finished ? "finished" : "killed"}, ${await expectWholeOrAbsent(root, complete)}`);
    }
    expect(outcomes.filter((line) => line.includes("killed")).length, outcomes.join("\n")).toBeGreaterThanOrEqual(points.length / 2);
    expect(outcomes.some((line) => line.includes("afterLockMs") && line.includes("killed")), outcomes.join("\n")).toBe(true);
    await timeJob(root, job);
    expect(await expectWholeOrAbsent(root, complete)).toBe("present");
}

describe("SIGKILL during load", () => {
  let image: BuiltImage;
  let archive: string;
  beforeAll(async () => {
    image = makeImage({ layers: await Promise.all([0, 1, 2, 3].map((index) => bigLayer(index))) });
    archive = join(work, "big.tar");
    await writeFile(archive, await legacyArchive([{ image, repoTags: ["localhost/big:1"] }]));
  }, 120_000);

  it("never leaves a half image, and a later load succeeds", async () => {
    const job: ChildJob = { kind: "load", path: archive };
    const root = await newRoot();
    const complete = async (engine: BerthService) => {
      const inspected = await engine.images.inspect("localhost/big:1");
      expect([inspected.Id, (inspected.RootFS as { Layers: string[] }).Layers]).toEqual([image.id, image.diffIds]);
      await expectLayersExtracted(root, image.diffIds, image.layers);
    };
    await expectKillsLeaveWholeOrAbsent(root, job, complete);
  }, 900_000);
});

describe("SIGKILL during import", () => {
  let tar: Buffer;
  let tarPath: string;
  beforeAll(async () => {
    tar = await bigLayer(0, 1);
    tarPath = join(work, "import.tar");
    await writeFile(tarPath, tar);
  }, 120_000);

  it("never leaves a half image, and a later import succeeds", async () => {
    const job: ChildJob = { kind: "import", path: tarPath, reference: "localhost/imported:1" };
    const root = await newRoot();
    const complete = async (engine: BerthService) => {
      const inspected = await engine.images.inspect("localhost/imported:1");
      expect((inspected.RootFS as { Layers: string[] }).Layers).toEqual([sha256(tar)]);
      const diff = join(root, "layers", hexOf(sha256(tar)), "diff");
      for (const index of [0, 1]) expect(await readFile(join(diff, `layer-${index}`, "zz-last"), "utf8")).toBe(`last of layer ${index}\n`);
    };
    await expectKillsLeaveWholeOrAbsent(root, job, complete);
  }, 900_000);
});
