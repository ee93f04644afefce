import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres, type PostgresServer } from "@berth/db/test-support";
import type { BerthEvent, BerthService } from "@berth/core";
import { fileLayer, legacyArchive, makeImage } from "../test-support/image-archive.js";
import { loadArchive, saveArchive } from "../test-support/image-fixtures.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { bytesOf } from "../test-support/tar-builder.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// The image verbs with their metadata in a real PostgreSQL 15 (team mode), and two roots
// sharing one database as two nodes that never see each other's images or events.

let server: PostgresServer;
const roots: TempRoot[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await Promise.all(roots.map((root) => root.cleanup()));
  await server?.stop();
});

async function pgRoot(databaseUrl: string, actor: string): Promise<TempRoot> {
  const root = await createTempRoot({ databaseUrl, actor });
  roots.push(root);
  return root;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("image verbs on PostgreSQL", () => {
  it("imports, tags, lists, saves, loads back and removes", async () => {
    const databaseUrl = await server.createDatabase();
    const { engine, root } = await pgRoot(databaseUrl, "test:pg");
    expect((await engine.system.info()).databaseProvider).toBe("postgresql");
    const tar = await fileLayer("etc/motd", "from postgres\n");
    const id = await engine.images.import({ kind: "stream", stream: bytesOf(tar) }, { reference: "localhost/pg:1", changes: ['CMD ["sh"]'] });
    await engine.images.tag("localhost/pg:1", "localhost/pg:2");
    expect((await engine.images.list()).map((image) => [image.id, image.repoTags])).toEqual([[id, ["localhost/pg:1", "localhost/pg:2"]]]);
    expect((await engine.images.history(id)).map((row) => row.id)).toEqual([id]);

    const archive = await saveArchive(engine, ["localhost/pg:1"]);
    const other = await pgRoot(databaseUrl, "test:pg-other");
    expect(await loadArchive(other.engine, archive)).toEqual({ messages: ["Loaded image: localhost/pg:1"], imageIds: [id] });
    expect((await other.engine.images.inspect("localhost/pg:1")).Id).toBe(id);

    expect(await engine.images.remove("localhost/pg:2")).toEqual([{ untagged: "localhost/pg:2" }]);
    expect(await engine.images.remove(id)).toEqual([{ untagged: "localhost/pg:1" }, { deleted: id }]);
    expect(await engine.images.list({ all: true })).toEqual([]);
    await expectConsistentStore(engine, root);
    // the other root's copy is untouched
    expect((await other.engine.images.list()).map((image) => image.id)).toEqual([id]);
    await expectConsistentStore(other.engine, other.root);
    const actions = (await collect(engine.system.events())).map((event) => event.action);
    expect(actions).toEqual(["import", "tag", "tag", "save", "untag", "untag", "delete"]);
  });

  it("keeps two roots sharing one database apart: images, tags, layers, events, prune and check", async () => {
    const databaseUrl = await server.createDatabase();
    const [a, b] = [await pgRoot(databaseUrl, "test:node-a"), await pgRoot(databaseUrl, "test:node-b")];
    const shared = makeImage({ layers: [await fileLayer("shared/f", "in both roots\n")] });
    const archive = await legacyArchive([{ image: shared, repoTags: ["localhost/shared:1"] }]);
    for (const root of [a, b]) expect((await loadArchive(root.engine, archive)).messages).toEqual(["Loaded image: localhost/shared:1"]);
    const onlyA = await a.engine.images.import({ kind: "stream", stream: bytesOf(await fileLayer("a/f", "a")) }, { reference: "localhost/only-a:1" });
    const onlyB = await b.engine.images.import({ kind: "stream", stream: bytesOf(await fileLayer("b/f", "b")) });

    const ids = async (engine: BerthService) => (await engine.images.list({ all: true })).map((image) => image.id).sort();
    expect(await ids(a.engine)).toEqual([shared.id, onlyA].sort());
    expect(await ids(b.engine)).toEqual([shared.id, onlyB].sort());
    await expect(b.engine.images.inspect("localhost/only-a:1")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(a.engine.images.remove(onlyB)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(b.engine.images.tag(onlyA, "localhost/stolen:1")).rejects.toMatchObject({ code: "NOT_FOUND" });

    // a's prune and rmi touch only a's rows and files
    expect((await b.engine.images.prune()).results).toEqual([{ deleted: onlyB }]);
    expect(await ids(a.engine)).toEqual([shared.id, onlyA].sort());
    await a.engine.images.remove("localhost/shared:1");
    expect(await ids(b.engine)).toEqual([shared.id]);
    expect((await b.engine.images.inspect("localhost/shared:1")).Id).toBe(shared.id);
    for (const root of [a, b]) await expectConsistentStore(root.engine, root.root);

    const eventsOf = async (root: TempRoot) => (await collect(root.engine.system.events())).map((event: BerthEvent) => [event.action, event.actor]);
    expect(await eventsOf(a)).toEqual([
      ["load", "test:node-a"],
      ["tag", "test:node-a"],
      ["import", "test:node-a"],
      ["tag", "test:node-a"],
      ["untag", "test:node-a"],
      ["delete", "test:node-a"],
    ]);
    expect(await eventsOf(b)).toEqual([
      ["load", "test:node-b"],
      ["tag", "test:node-b"],
      ["import", "test:node-b"],
      ["delete", "test:node-b"],
      ["prune", "test:node-b"],
    ]);
    expect((await a.engine.system.info()).images).toBe(1);
    expect((await b.engine.system.info()).images).toBe(1);
  });
});
