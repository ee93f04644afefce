import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BerthEvent, EventQuery } from "@berth/core";
import { fileLayer, legacyArchive, makeImage } from "../test-support/image-archive.js";
import { loadArchive } from "../test-support/image-fixtures.js";
import { bytesOf } from "../test-support/tar-builder.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// The events table: every image change with its actor, queried with since and filters, and
// followed live, including changes made by another engine instance on the same root.

describe("image events", () => {
  let temp: TempRoot;
  beforeEach(async () => {
    temp = await createTempRoot({ actor: "test:alice" });
  });
  afterEach(async () => temp.cleanup());

  const collect = async (query?: EventQuery) => {
    const events: BerthEvent[] = [];
    for await (const event of temp.engine.system.events(query)) events.push(event);
    return events;
  };
  const brief = (event: BerthEvent) => [event.action, event.objectId, event.attributes.name ?? "", event.actor];

  it("records import, tag, untag, delete and load with the actor and the image", async () => {
    const id = await temp.engine.images.import({ kind: "stream", stream: bytesOf(await fileLayer("x/y", "events")) }, { reference: "localhost/ev:1" });
    await temp.engine.images.tag("localhost/ev:1", "localhost/ev:2");
    await temp.engine.images.remove("localhost/ev:2");
    await temp.engine.images.remove("localhost/ev:1");
    const loaded = makeImage({ layers: [await fileLayer("l/z", "loaded")] });
    await loadArchive(temp.engine, await legacyArchive([{ image: loaded, repoTags: ["localhost/loaded:1"] }]));
    const events = await collect();
    expect(events.map(brief)).toEqual([
      ["import", id, "localhost/ev:1", "test:alice"],
      ["tag", id, "localhost/ev:1", "test:alice"],
      ["tag", id, "localhost/ev:2", "test:alice"],
      ["untag", id, "localhost/ev:2", "test:alice"],
      ["untag", id, "localhost/ev:1", "test:alice"],
      ["delete", id, "", "test:alice"],
      ["load", loaded.id, "", "test:alice"],
      ["tag", loaded.id, "localhost/loaded:1", "test:alice"],
    ]);
    expect(events.every((event) => event.type === "image")).toBe(true);
    expect(events.map((event) => event.seq)).toEqual([...events.map((event) => event.seq)].sort((a, b) => a - b));
    expect((await collect({ filters: { image: ["localhost/ev:2"] } })).map((event) => event.action)).toEqual(["tag", "untag"]);
  });

  it("lists only the events since a time that match the filters", async () => {
    const tar = await fileLayer("a/b", "since");
    await temp.engine.images.import({ kind: "stream", stream: bytesOf(tar) }, { reference: "localhost/before:1" });
    await sleep(30);
    const since = new Date();
    await sleep(30);
    await temp.engine.images.tag("localhost/before:1", "localhost/after:1");
    await temp.engine.images.remove("localhost/after:1");
    await temp.engine.images.tag("localhost/before:1", "localhost/after:2");
    const tags = await collect({ since, filters: { event: ["tag"] } });
    expect(tags.map(brief).map(([action, , name]) => [action, name])).toEqual([
      ["tag", "localhost/after:1"],
      ["tag", "localhost/after:2"],
    ]);
    expect(tags.every((event) => event.time.getTime() >= since.getTime())).toBe(true);
    expect((await collect({ since, filters: { event: ["untag", "tag"] } })).map((event) => event.action)).toEqual(["tag", "untag", "tag"]);
    expect(await collect({ since: new Date(Date.now() + 60_000) })).toEqual([]);
  });

  it("follows new events until aborted, including a tag made by a second engine instance", async () => {
    await temp.engine.images.import({ kind: "stream", stream: bytesOf(await fileLayer("f/g", "follow")) }, { reference: "localhost/follow:1" });
    const controller = new AbortController();
    const seen: BerthEvent[] = [];
    let sawBob = () => {};
    const bobSeen = new Promise<void>((resolve) => (sawBob = resolve));
    const following = (async () => {
      const query = { since: new Date(), follow: true, filters: { event: ["tag"] }, signal: controller.signal };
      for await (const event of temp.engine.system.events(query)) {
        seen.push(event);
        if (event.actor === "test:bob") sawBob();
      }
    })();
    await sleep(300);
    const second = await temp.reopen({ actor: "test:bob" });
    await second.images.tag("localhost/follow:1", "localhost/follow:by-bob");
    await Promise.race([bobSeen, sleep(10_000).then(() => Promise.reject(new Error("the follower never saw bob's tag")))]);
    const abortedAt = Date.now();
    controller.abort();
    await following;
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(seen.map(brief)).toEqual([["tag", expect.stringMatching(/^sha256:/), "localhost/follow:by-bob", "test:bob"]]);
  });
});
