import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BerthError, type BerthService } from "@berth/core";
import { saveArchive } from "../test-support/image-fixtures.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";
import { buildTar, bytesOf } from "../test-support/tar-builder.js";

const sha256 = (data: Uint8Array) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

describe("image service on a real root", () => {
  let temp: TempRoot;
  let engine: BerthService;
  beforeEach(async () => {
    temp = await createTempRoot();
    engine = temp.engine;
  });
  afterEach(async () => temp.cleanup());

  const rootfs = () =>
    buildTar([
      { name: "etc/", type: "directory" },
      { name: "etc/motd", content: "hello from berth\n" },
      { name: "bin/", type: "directory" },
      { name: "bin/sh", content: "#!fake\n", mode: 0o755 },
    ]);

  it("imports a tar as a one-layer image with one history row and the -c changes", async () => {
    const tar = await rootfs();
    const id = await engine.images.import(
      { kind: "stream", stream: bytesOf(tar) },
      { reference: "localhost/demo:1", changes: ['CMD ["sh"]', "ENV A=b", "EXPOSE 80"], message: "first" },
    );
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [inspected] = [await engine.images.inspect("localhost/demo:1")];
    expect(inspected.Id).toBe(id);
    expect(inspected.RepoTags).toEqual(["localhost/demo:1"]);
    expect((inspected.RootFS as { Layers: string[] }).Layers).toEqual([sha256(tar)]);
    const config = inspected.Config as { Cmd: string[]; Env: string[]; ExposedPorts: Record<string, unknown> };
    expect(config.Cmd).toEqual(["sh"]);
    expect(config.Env).toEqual(["A=b"]);
    expect(Object.keys(config.ExposedPorts)).toEqual(["80/tcp"]);
    const history = await engine.images.history(id);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id, comment: "first", createdBy: "", tags: ["localhost/demo:1"] });
    const events = [];
    for await (const event of engine.system.events()) events.push(`${event.type} ${event.action}`);
    expect(events).toEqual(["image import", "image tag"]);
  });

  it("lists, tags and untags like docker, and deletes the image with its last name", async () => {
    const id = await engine.images.import({ kind: "stream", stream: bytesOf(await rootfs()) }, { reference: "localhost/a" });
    await engine.images.tag("localhost/a", "localhost/b:v2");
    const listed = await engine.images.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]?.repoTags).toEqual(["localhost/a:latest", "localhost/b:v2"]);
    await expect(engine.images.remove(id)).rejects.toThrow(/must be forced/);
    expect(await engine.images.remove("localhost/a")).toEqual([{ untagged: "localhost/a:latest" }]);
    expect(await engine.images.remove("localhost/b:v2")).toEqual([{ untagged: "localhost/b:v2" }, { deleted: id }]);
    expect(await engine.images.list({ all: true })).toEqual([]);
    expect(await engine.system.check()).toEqual([]);
  });

  it("saves and loads back the same image ID into another root", async () => {
    const id = await engine.images.import({ kind: "stream", stream: bytesOf(await rootfs()) }, { reference: "localhost/round:trip" });
    const archive = await saveArchive(engine, ["localhost/round:trip"]);
    const again = await saveArchive(engine, ["localhost/round:trip"]);
    expect(sha256(again)).toBe(sha256(archive));
    const other = await createTempRoot();
    try {
      const result = await other.engine.images.load({ kind: "stream", stream: bytesOf(archive) });
      expect(result.messages).toEqual(["Loaded image: localhost/round:trip"]);
      expect(result.imageIds).toEqual([id]);
      const history = await other.engine.images.history("localhost/round:trip");
      expect(history.map((row) => row.id)).toEqual([id]);
    } finally {
      await other.cleanup();
    }
  });

  it("names unknown images and invalid references clearly", async () => {
    await expect(engine.images.inspect("localhost/nothing:here")).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "No such image: localhost/nothing:here",
    });
    await expect(engine.images.tag("localhost/x", "Bad:Name")).rejects.toBeInstanceOf(BerthError);
  });
});
