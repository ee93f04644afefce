import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imageSizes, loadArchive, makeBuildChain, type BuildChain } from "../test-support/image-fixtures.js";
import { fileLayer, legacyArchive, makeImage } from "../test-support/image-archive.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// docker history (empty_layer rows, one stored ancestor per row, <missing> past them) and
// system df (shared and unique sizes of images sharing a base layer).

describe("history", () => {
  let temp: TempRoot;
  let chain: BuildChain;
  beforeEach(async () => {
    temp = await createTempRoot();
    chain = await makeBuildChain();
  });
  afterEach(async () => temp.cleanup());

  it("lists config.history newest first, with stored ancestors' IDs and empty-layer rows of size 0", async () => {
    await loadArchive(temp.engine, chain.archive);
    const sizes = await imageSizes(temp.engine);
    const [baseLayer, runLayer] = [sizes.get(chain.base.id)!, sizes.get(chain.app.id)! - sizes.get(chain.base.id)!];
    expect([baseLayer > 0, runLayer > 0, sizes.get(chain.withCmd.id)]).toEqual([true, true, baseLayer]);
    const rows = await temp.engine.images.history("localhost/app:v1");
    expect(rows.map(({ id, createdBy, size, emptyLayer, tags }) => ({ id, createdBy, size, emptyLayer, tags }))).toEqual([
      { id: chain.app.id, createdBy: "/bin/sh -c echo app > /app/run.txt", size: runLayer, emptyLayer: false, tags: ["localhost/app:v1"] },
      { id: chain.withCmd.id, createdBy: '/bin/sh -c #(nop)  CMD ["sh"]', size: 0, emptyLayer: true, tags: [] },
      { id: chain.base.id, createdBy: "/bin/sh -c #(nop) ADD file:chain in / ", size: baseLayer, emptyLayer: false, tags: [] },
    ]);
    expect(rows.map((row) => row.created.toISOString())).toEqual([
      "2024-01-01T00:00:02.000Z",
      "2024-01-01T00:00:01.000Z",
      "2024-01-01T00:00:00.000Z",
    ]);
  });

  it("shows <missing> for ancestors that are not stored", async () => {
    const onlyApp = await legacyArchive([{ image: chain.app, repoTags: ["localhost/app:v1"], parent: chain.withCmd.id }]);
    await loadArchive(temp.engine, onlyApp);
    expect((await temp.engine.images.inspect("localhost/app:v1")).Parent).toBe("");
    const rows = await temp.engine.images.history("localhost/app:v1");
    expect(rows.map((row) => [row.id, row.emptyLayer])).toEqual([
      [chain.app.id, false],
      ["<missing>", true],
      ["<missing>", false],
    ]);
  });

  it("walks a long multi-layer history with several empty layers in docker's order", async () => {
    const layers = await Promise.all([0, 1, 2].map((index) => fileLayer(`l${index}/f`, `layer ${index}\n`.repeat(index + 1))));
    const history = [
      { created_by: "ADD base" },
      { created_by: "ENV A=1", empty_layer: true },
      { created_by: "RUN one" },
      { created_by: "LABEL x=y", empty_layer: true },
      { created_by: "WORKDIR /w", empty_layer: true },
      { created_by: "RUN two" },
      { created_by: "CMD [\"sh\"]", empty_layer: true },
    ];
    const image = makeImage({ layers, history });
    // images of the first one and two layers, only to learn each layer's size
    const prefixes = [1, 2].map((count) => makeImage({ layers: layers.slice(0, count), history: [{ created_by: `prefix ${count}` }] }));
    await loadArchive(temp.engine, await legacyArchive([{ image, repoTags: ["localhost/long:1"] }, ...prefixes.map((prefix) => ({ image: prefix }))]));
    const sizes = await imageSizes(temp.engine);
    const [one, two, three] = [sizes.get(prefixes[0]!.id)!, sizes.get(prefixes[1]!.id)!, sizes.get(image.id)!];
    const rows = await temp.engine.images.history(image.id);
    expect(rows.map((row) => [row.createdBy, row.emptyLayer, row.size])).toEqual([
      ['CMD ["sh"]', true, 0],
      ["RUN two", false, three - two],
      ["WORKDIR /w", true, 0],
      ["LABEL x=y", true, 0],
      ["RUN one", false, two - one],
      ["ENV A=1", true, 0],
      ["ADD base", false, one],
    ]);
    expect(Math.min(one, two - one, three - two)).toBeGreaterThan(0);
    expect(rows.map((row) => row.id)).toEqual([image.id, ...Array(6).fill("<missing>")]);
  });
});

describe("system df", () => {
  let temp: TempRoot;
  beforeEach(async () => {
    temp = await createTempRoot();
  });
  afterEach(async () => temp.cleanup());

  it("counts a shared base layer as shared for both images and once in the total", async () => {
    const base = await fileLayer("base/lib", "shared base\n".repeat(500));
    const topA = await fileLayer("a/bin", "only in a\n".repeat(100));
    const topB = await fileLayer("b/bin", "only in b\n".repeat(300));
    const a = makeImage({ layers: [base, topA], created: "2024-02-01T00:00:00Z" });
    const b = makeImage({ layers: [base, topB], created: "2024-03-01T00:00:00Z" });
    const alone = makeImage({ layers: [await fileLayer("c/x", "alone\n")], created: "2024-01-01T00:00:00Z" });
    // the base layer's size, learnt from an image of it alone, removed again
    const baseOnly = makeImage({ layers: [base] });
    await loadArchive(temp.engine, await legacyArchive([{ image: baseOnly }]));
    const baseSize = (await imageSizes(temp.engine)).get(baseOnly.id)!;
    await temp.engine.images.remove(baseOnly.id);
    await loadArchive(
      temp.engine,
      await legacyArchive([
        { image: a, repoTags: ["localhost/a:1"] },
        { image: b, repoTags: ["localhost/b:1"] },
        { image: alone, repoTags: ["localhost/alone:1"] },
      ]),
    );
    const sizes = await imageSizes(temp.engine);
    const [sizeA, sizeB, sizeAlone] = [sizes.get(a.id)!, sizes.get(b.id)!, sizes.get(alone.id)!];
    expect(Math.min(baseSize, sizeA - baseSize, sizeB - baseSize, sizeAlone)).toBeGreaterThan(0);
    const usage = await temp.engine.system.diskUsage();
    const byId = new Map(usage.images.map((image) => [image.id, image]));
    expect(byId.get(a.id)).toMatchObject({ repoTags: ["localhost/a:1"], size: sizeA, sharedSize: baseSize, uniqueSize: sizeA - baseSize });
    expect(byId.get(b.id)).toMatchObject({ size: sizeB, sharedSize: baseSize, uniqueSize: sizeB - baseSize });
    expect(byId.get(alone.id)).toMatchObject({ size: sizeAlone, sharedSize: 0, uniqueSize: sizeAlone });
    expect(usage.layersSize).toBe(sizeA + sizeB - baseSize + sizeAlone);

    await temp.engine.images.remove("localhost/b:1");
    const after = await temp.engine.system.diskUsage();
    expect(after.images.find((image) => image.id === a.id)).toMatchObject({ sharedSize: 0, uniqueSize: sizeA });
    expect(after.layersSize).toBe(sizeA + sizeAlone);
  });
});
