import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildTar } from "../test-support/tar-builder.js";
import { builtEngineUrl, killChild, startEngineChild, type ChildJob, type EngineChild } from "../test-support/engine-child.js";
import { fileLayer, legacyArchive, makeImage } from "../test-support/image-archive.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// Several berth processes on one root at once (the CLI and the console do this): every
// operation succeeds or is refused the way a user could be refused, and the store ends
// consistent.

let engineUrl: string;
let inputs: string;
beforeAll(async () => {
  engineUrl = await builtEngineUrl();
  inputs = await mkdtemp(join(tmpdir(), "berth-concurrency-inputs-"));
}, 300_000);
afterAll(async () => {
  if (inputs) await rm(inputs, { recursive: true, force: true });
});

describe("concurrent processes on one root", () => {
  let temp: TempRoot;
  const children: EngineChild[] = [];
  beforeEach(async () => {
    temp = await createTempRoot();
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map(killChild));
    await temp.cleanup();
  });

  const start = (job: ChildJob) => {
    const child = startEngineChild(engineUrl, temp.root, job);
    children.push(child);
    return child;
  };

  it("six processes importing, tagging and removing all succeed or fail cleanly", async () => {
    const workers = 6;
    const rounds = 6;
    const sharedTar = join(inputs, "shared.tar");
    await writeFile(sharedTar, await fileLayer("shared/file", "the same layer in every worker\n".repeat(100)));
    const jobs = [];
    for (let id = 0; id < workers; id++) {
      const tars = [];
      for (let round = 0; round < rounds; round++) {
        const path = join(inputs, `w${id}-${round}.tar`);
        await writeFile(path, await fileLayer(`w${id}/r${round}`, randomBytes(4096).toString("hex")));
        tars.push(path);
      }
      jobs.push({ kind: "worker" as const, id, rounds, tars, sharedTar, workers });
    }
    const running = jobs.map((job) => start(job));
    const results = await Promise.all(running.map((child) => child.exited));
    expect(results.map((result) => [result.code, result.signal, result.code === 0 ? "" : result.stderr])).toEqual(
      results.map(() => [0, null, ""]),
    );
    const summaries = await Promise.all(running.map(async (child) => (await child.waitFor("done")).summary as { imported: string[]; ok: number; refused: number }));
    for (const summary of summaries) expect(summary.imported).toHaveLength(rounds);
    expect(summaries.reduce((sum, summary) => sum + summary.refused, 0)).toBeGreaterThan(0); // they did get in each other's way
    const store = await expectConsistentStore(temp.engine, temp.root);
    const sharedLayerImages = (await temp.engine.images.list({ references: ["localhost/shared-layer"] })).length;
    expect(sharedLayerImages).toBeGreaterThan(0);
    // every worker's odd rounds were never removed by anyone
    const tags = new Set(store.images.flatMap((image) => image.repoTags));
    for (let id = 0; id < workers; id++) for (let round = 1; round < rounds; round += 2) expect(tags).toContain(`localhost/w${id}:${round}`);
  }, 300_000);

  it("two processes loading the same archive at once both succeed, with one copy of each layer", async () => {
    const layers = [];
    for (let index = 0; index < 4; index++) {
      const files = Array.from({ length: 300 }, (_, n) => ({ name: `l${index}/f${n}`, content: randomBytes(2048) }));
      layers.push(await buildTar([{ name: `l${index}/`, type: "directory" }, ...files, { name: `l${index}/big`, content: randomBytes(4 << 20) }]));
    }
    const image = makeImage({ layers });
    const archive = join(inputs, "same.tar");
    await writeFile(archive, await legacyArchive([{ image, repoTags: ["localhost/same:1"] }]));
    const [first, second] = [start({ kind: "load", path: archive }), start({ kind: "load", path: archive })];
    const results = await Promise.all([first.exited, second.exited]);
    expect(results.map((result) => [result.code, result.code === 0 ? "" : result.stderr])).toEqual([[0, ""], [0, ""]]);
    for (const child of [first, second]) {
      expect((await child.waitFor("done")).result).toEqual({ messages: ["Loaded image: localhost/same:1"], imageIds: [image.id] });
    }
    const store = await expectConsistentStore(temp.engine, temp.root);
    expect(store.layerDirs).toHaveLength(4);
    expect(store.images.map((entry) => entry.id)).toEqual([image.id]);
    const loads = [];
    for await (const event of temp.engine.system.events({ filters: { event: ["load"] } })) loads.push(event);
    expect(loads).toHaveLength(1);
  }, 300_000);

  it("loads and removals of images sharing a base layer, racing in two processes, succeed or fail cleanly", async () => {
    const base = await buildTar([{ name: "base/", type: "directory" }, { name: "base/big", content: randomBytes(2 << 20) }]);
    const paths: string[] = [];
    for (const name of ["a", "b"]) {
      const image = makeImage({ layers: [base, await fileLayer(`${name}/top`, randomBytes(1 << 20))] });
      const path = join(inputs, `race-${name}.tar`);
      await writeFile(path, await legacyArchive([{ image, repoTags: [`localhost/race:${name}`] }]));
      paths.push(path);
    }
    const racers = ["a", "b"].map((name, index) => start({ kind: "churn", path: paths[index]!, reference: `localhost/race:${name}`, rounds: 12 }));
    const results = await Promise.all(racers.map((child) => child.exited));
    expect(results.map((result) => [result.code, result.code === 0 ? "" : result.stderr])).toEqual([[0, ""], [0, ""]]);
    for (const child of racers) expect(((await child.waitFor("done")).summary as { loaded: number }).loaded).toBe(12);
    await expectConsistentStore(temp.engine, temp.root);
  }, 300_000);
});
