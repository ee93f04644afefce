import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ImageListOptions } from "@berth/core";
import { loadArchive, loadSimpleImage, makeBuildChain, type BuildChain } from "../test-support/image-fixtures.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// docker images: which images show with and without -a, and the dangling, reference and label
// filters, on images with real parent links (loaded from an archive whose manifest has Parent).

describe("images list (docker's rules)", () => {
  let temp: TempRoot;
  let chain: BuildChain;
  beforeEach(async () => {
    temp = await createTempRoot();
    chain = await makeBuildChain({ labels: { tier: "web", owner: "ops" } });
    await loadArchive(temp.engine, chain.archive);
  });
  afterEach(async () => temp.cleanup());

  const ids = async (options?: ImageListOptions) => (await temp.engine.images.list(options)).map((image) => image.id).sort();
  const tagsOf = async (options?: ImageListOptions) => (await temp.engine.images.list(options)).map((image) => image.repoTags);

  it("hides untagged parents without -a and shows them, with their parent links, with -a", async () => {
    expect(await ids()).toEqual([chain.app.id]);
    const all = await temp.engine.images.list({ all: true });
    expect(all.map((image) => image.id).sort()).toEqual([chain.base.id, chain.withCmd.id, chain.app.id].sort());
    const byId = new Map(all.map((image) => [image.id, image]));
    expect(byId.get(chain.app.id)).toMatchObject({ parentId: chain.withCmd.id, childCount: 0, repoTags: ["localhost/app:v1"] });
    expect(byId.get(chain.withCmd.id)).toMatchObject({ parentId: chain.base.id, childCount: 1, repoTags: [] });
    expect(byId.get(chain.base.id)).toMatchObject({ parentId: "", childCount: 1, repoTags: [] });
  });

  it("shows a dangling image without -a; dangling=true/false split untagged leaves from tagged images", async () => {
    const dangling = await loadSimpleImage(temp.engine, "nobody names me");
    expect(await ids()).toEqual([chain.app.id, dangling.id].sort());
    expect(await ids({ dangling: true })).toEqual([dangling.id]);
    expect(await ids({ dangling: true, all: true })).toEqual([dangling.id]);
    expect(await ids({ dangling: false })).toEqual([chain.app.id]);
    // docker: dangling=false never lists untagged images, not even intermediates with -a
    expect(await ids({ dangling: false, all: true })).toEqual([chain.app.id]);
  });

  it("filters by reference patterns (path.Match on the familiar name, * stops at /), OR-ed", async () => {
    for (const tag of ["localhost/app:v2", "localhost/app:latest", "localhost/team/app:v1", "app:v1"]) {
      await temp.engine.images.tag("localhost/app:v1", tag);
    }
    await loadSimpleImage(temp.engine, "other", { tags: ["localhost/other:v9"] });
    expect(await tagsOf({ references: ["localhost/*:v*"] })).toEqual([["localhost/other:v9"], ["localhost/app:v1", "localhost/app:v2"]]);
    expect(await tagsOf({ references: ["localhost/app"] })).toEqual([["localhost/app:latest", "localhost/app:v1", "localhost/app:v2"]]);
    expect(await tagsOf({ references: ["localhost/*/app:*"] })).toEqual([["localhost/team/app:v1"]]);
    expect(await tagsOf({ references: ["app"] })).toEqual([["app:v1"]]);
    expect(await tagsOf({ references: ["localhost/team/*", "localhost/other:v9"] })).toEqual([["localhost/other:v9"], ["localhost/team/app:v1"]]);
    expect(await tagsOf({ references: ["nothing/*"] })).toEqual([]);
    // a reference filter never lists untagged images, with or without -a
    expect(await ids({ references: ["*"], all: true })).toEqual([chain.app.id]);
  });

  it("filters by label key and key=value, every label filter having to match", async () => {
    const db = await loadSimpleImage(temp.engine, "db", { tags: ["localhost/db:1"], labels: { tier: "db" } });
    await loadSimpleImage(temp.engine, "plain", { tags: ["localhost/plain:1"] });
    expect(await ids({ labels: ["tier"] })).toEqual([chain.app.id, db.id].sort());
    expect(await ids({ labels: ["tier=web"] })).toEqual([chain.app.id]);
    expect(await ids({ labels: ["tier=web", "owner"] })).toEqual([chain.app.id]);
    expect(await ids({ labels: ["tier=db", "owner"] })).toEqual([]);
    expect(await ids({ labels: ["tier=we"] })).toEqual([]);
    expect(await ids({ labels: ["nope"] })).toEqual([]);
  });
});
