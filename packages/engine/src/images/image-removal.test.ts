import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imageSizes, loadArchive, loadSimpleImage, makeBuildChain, type BuildChain } from "../test-support/image-fixtures.js";
import { legacyArchive } from "../test-support/image-archive.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// docker rmi and image prune: untag vs delete, dependent children, parent pruning and
// --no-prune, dangling and --all prunes; and a tag moved by load. After each, the store holds
// exactly what the remaining images need.

describe("rmi and prune (docker's rules)", () => {
  let temp: TempRoot;
  let chain: BuildChain;
  beforeEach(async () => {
    temp = await createTempRoot();
    chain = await makeBuildChain();
    await loadArchive(temp.engine, chain.archive);
  });
  afterEach(async () => temp.cleanup());

  const allIds = async () => (await temp.engine.images.list({ all: true })).map((image) => image.id).sort();

  it("rmi by ID of an image with one tag untags it and deletes it", async () => {
    const single = await loadSimpleImage(temp.engine, "single", { tags: ["localhost/single:1"] });
    expect(await temp.engine.images.remove(single.id)).toEqual([{ untagged: "localhost/single:1" }, { deleted: single.id }]);
    expect(await allIds()).toEqual([chain.base.id, chain.withCmd.id, chain.app.id].sort());
    await expectConsistentStore(temp.engine, temp.root);
  });

  it("refuses to delete a parent with children, by ID, even forced", async () => {
    const before = await allIds();
    for (const force of [false, true]) {
      const refused = temp.engine.images.remove(chain.withCmd.id, { force });
      await expect(refused).rejects.toMatchObject({
        name: "BerthError",
        code: "CONFLICT",
        message: `conflict: unable to delete ${chain.withCmd.id.slice(7, 19)} (cannot be forced) - image has dependent child images`,
      });
    }
    // a tagged parent: the ID form is refused before anything is untagged
    await temp.engine.images.tag(chain.withCmd.id, "localhost/parent:1");
    await expect(temp.engine.images.remove(chain.withCmd.id)).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await temp.engine.images.inspect(chain.withCmd.id)).RepoTags).toEqual(["localhost/parent:1"]);
    // by name, its last tag only goes: the image stays because of its child
    expect(await temp.engine.images.remove("localhost/parent:1")).toEqual([{ untagged: "localhost/parent:1" }]);
    expect(await allIds()).toEqual(before);
    await expectConsistentStore(temp.engine, temp.root);
  });

  it("deletes untagged parents with the image by default, and keeps them with --no-prune", async () => {
    const other = await createTempRoot();
    try {
      await loadArchive(other.engine, chain.archive);
      expect(await other.engine.images.remove("localhost/app:v1", { noPrune: true })).toEqual([
        { untagged: "localhost/app:v1" },
        { deleted: chain.app.id },
      ]);
      expect((await other.engine.images.list()).map((image) => image.id)).toEqual([chain.withCmd.id]);
      expect((await other.engine.images.list({ dangling: true })).map((image) => image.id)).toEqual([chain.withCmd.id]);
      await expectConsistentStore(other.engine, other.root);
    } finally {
      await other.cleanup();
    }
    expect(await temp.engine.images.remove("localhost/app:v1")).toEqual([
      { untagged: "localhost/app:v1" },
      { deleted: chain.app.id },
      { deleted: chain.withCmd.id },
      { deleted: chain.base.id },
    ]);
    expect(await allIds()).toEqual([]);
    await expectConsistentStore(temp.engine, temp.root);
  });

  it("stops pruning parents at a tagged one", async () => {
    await temp.engine.images.tag(chain.base.id, "localhost/base:1");
    const results = await temp.engine.images.remove("localhost/app:v1");
    expect(results).toEqual([{ untagged: "localhost/app:v1" }, { deleted: chain.app.id }, { deleted: chain.withCmd.id }]);
    expect(await allIds()).toEqual([chain.base.id]);
    await expectConsistentStore(temp.engine, temp.root);
  });

  it("image prune removes dangling chains, reports the bytes freed, and leaves tagged images", async () => {
    await temp.engine.images.remove("localhost/app:v1", { noPrune: true });
    const kept = await loadSimpleImage(temp.engine, "kept", { tags: ["localhost/kept:1"] });
    const dangling = await loadSimpleImage(temp.engine, "dangling alone");
    const sizes = await imageSizes(temp.engine);
    const pruned = await temp.engine.images.prune();
    expect(pruned.results).toEqual(
      expect.arrayContaining([{ deleted: chain.withCmd.id }, { deleted: chain.base.id }, { deleted: dangling.id }]),
    );
    expect(pruned.results).toHaveLength(3);
    // the base layer (withCmd and base share it) and the dangling image's layer
    expect(pruned.spaceReclaimed).toBe(sizes.get(chain.base.id)! + sizes.get(dangling.id)!);
    expect(pruned.spaceReclaimed).toBeGreaterThan(0);
    expect(await allIds()).toEqual([kept.id]);
    expect(await temp.engine.images.prune()).toEqual({ results: [], spaceReclaimed: 0 });
    await expectConsistentStore(temp.engine, temp.root);
  });

  it("image prune --all removes every image, tagged or not, parents after their children", async () => {
    const kept = await loadSimpleImage(temp.engine, "also goes", { tags: ["localhost/kept:1"] });
    const sizes = await imageSizes(temp.engine);
    const pruned = await temp.engine.images.prune({ all: true });
    expect(pruned.results).toEqual(
      expect.arrayContaining([
        { untagged: "localhost/app:v1" },
        { untagged: "localhost/kept:1" },
        { deleted: chain.app.id },
        { deleted: chain.withCmd.id },
        { deleted: chain.base.id },
        { deleted: kept.id },
      ]),
    );
    expect(pruned.results).toHaveLength(6);
    expect(pruned.spaceReclaimed).toBe(sizes.get(chain.app.id)! + sizes.get(kept.id)!);
    expect(await allIds()).toEqual([]);
    await expectConsistentStore(temp.engine, temp.root);
  });

  it("moving a tag by load prints docker's renaming line and leaves the old image dangling", async () => {
    const first = await loadSimpleImage(temp.engine, "first", { tags: ["localhost/moving:1"] });
    const second = await loadSimpleImage(temp.engine, "second");
    const result = await loadArchive(temp.engine, await legacyArchive([{ image: second, repoTags: ["localhost/moving:1"] }]));
    expect(result.messages).toEqual([
      `The image localhost/moving:1 already exists, renaming the old one with ID ${first.id} to empty string`,
      "Loaded image: localhost/moving:1",
    ]);
    expect((await temp.engine.images.inspect("localhost/moving:1")).Id).toBe(second.id);
    expect((await temp.engine.images.list({ dangling: true })).map((image) => image.id)).toEqual([first.id]);
    // loading the same again moves nothing
    const again = await loadArchive(temp.engine, await legacyArchive([{ image: second, repoTags: ["localhost/moving:1"] }]));
    expect(again.messages).toEqual(["Loaded image: localhost/moving:1"]);
    await expectConsistentStore(temp.engine, temp.root);
  });
});
