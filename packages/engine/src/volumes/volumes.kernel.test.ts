import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthService, VolumeCreateOptions } from "@berth/core";
import { describe, expect, it } from "vitest";
import { legacyArchive, makeImage } from "../test-support/image-archive.js";
import { loadArchive } from "../test-support/image-fixtures.js";
import { buildTar } from "../test-support/tar-builder.js";
import { type ContainerRoot, runAttached, useContainerRoots } from "../test-support/container-root.js";

// Volumes on the real kernel: the volume verbs with docker's rules and messages, the image's
// content copied into a new volume at its first mount (owners and modes kept), device options
// mounted, and anonymous volumes going with `rm -v` and `--rm`.

const freshRoot = useContainerRoots();

async function volumeEvents(engine: BerthService): Promise<string[]> {
  const events: string[] = [];
  for await (const event of engine.system.events({ filters: { type: ["volume"] } })) events.push(`${event.action} ${event.objectId}`);
  return events;
}

const dataDir = (root: ContainerRoot, name: string) => join(root.root, "volumes", name, "_data");

/**
 * An image whose /data is owned 1000:1000 with mode 0750 and holds a 0640 file of 1001:1002 (its
 * VOLUME), and whose /srv holds a file; its command does not exist.
 */
async function loadOwnedDataImage(engine: BerthService): Promise<void> {
  const layer = await buildTar([
    { name: "data/", type: "directory", mode: 0o750, uid: 1000, gid: 1000 },
    { name: "data/secret", content: "from the image\n", mode: 0o640, uid: 1001, gid: 1002 },
    { name: "srv/", type: "directory", mode: 0o755 },
    { name: "srv/file", content: "image file\n" },
  ]);
  const image = makeImage({ layers: [layer], cmd: ["/no-such-command"], volumes: ["/data"] });
  await loadArchive(engine, await legacyArchive([{ image, repoTags: ["localhost/owned:1"] }]));
}

/** A start of localhost/owned:1, whose command is missing: it fails with docker's 127 error after its volumes were prepared. */
async function startOwned(engine: BerthService, volumes: string[] = []): Promise<string> {
  const { id } = await engine.containers.create({ image: "localhost/owned:1", volumes });
  await expect(engine.containers.start(id)).rejects.toMatchObject({ code: "COMMAND_NOT_FOUND" });
  return id;
}

describe("volume create, ls, inspect, rm", () => {
  it("creates a volume with labels and options, lists and inspects it like docker", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const options: VolumeCreateOptions = { name: "data", labels: { tier: "db" }, options: { type: "tmpfs", device: "tmpfs", o: "size=1m" } };
    expect(await engine.volumes.create(options)).toBe("data");
    expect(await engine.volumes.create({ name: "data" })).toBe("data"); // docker: an existing name is returned as is
    const anonymous = await engine.volumes.create();
    expect(anonymous).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(dataDir(root, "data")).isDirectory()).toBe(true);

    const inspect = await engine.volumes.inspect("data");
    expect(Object.keys(inspect)).toEqual(["CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"]);
    expect(inspect).toEqual({
      CreatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      Driver: "local",
      Labels: { tier: "db" },
      Mountpoint: dataDir(root, "data"),
      Name: "data",
      Options: { type: "tmpfs", device: "tmpfs", o: "size=1m" },
      Scope: "local",
    });
    expect((await engine.volumes.list()).map((volume) => volume.name)).toEqual([anonymous, "data"].sort());
    expect((await engine.volumes.list({ filters: { label: ["tier=db"] } })).map((volume) => volume.name)).toEqual(["data"]);
    expect((await engine.volumes.list({ filters: { name: ["^da"] } })).map((volume) => volume.name)).toEqual(["data"]);
    expect(await engine.volumes.list({ filters: { dangling: ["false"] } })).toEqual([]);

    await engine.volumes.remove("data");
    expect(existsSync(join(root.root, "volumes", "data"))).toBe(false);
    await expect(engine.volumes.inspect("data")).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such volume: data" });
    expect(await volumeEvents(engine)).toEqual(["create data", "create data", `create ${anonymous}`, "destroy data"]);
  });

  it.each<[string, VolumeCreateOptions, string]>([
    ["a name too short", { name: "x" }, "create x: volume name is too short, names should be at least two alphanumeric characters"],
    ["a name with a slash", { name: "a/b" }, `create a/b: "a/b" includes invalid characters for a local volume name`],
    ["another driver", { name: "vol", driver: "nfs" }, `create vol: error looking up volume plugin nfs: plugin "nfs" not found`],
    ["an unknown option", { name: "vol", options: { foo: "bar" } }, `create vol: invalid option: "foo"`],
    ["type without device", { name: "vol", options: { type: "tmpfs" } }, `create vol: missing required option: "device"`],
    ["a quota size", { name: "vol", options: { size: "1g" } }, "create vol: quota size requested but no quota support"],
  ])("refuses %s and creates nothing", async (_, options, message) => {
    const root = await freshRoot();
    await expect(root.engine.volumes.create(options)).rejects.toMatchObject({ message: expect.stringContaining(message) });
    expect(await root.engine.volumes.list()).toEqual([]);
    expect(existsSync(join(root.root, "volumes")) ? readdirSync(join(root.root, "volumes")) : []).toEqual([]);
    expect(await volumeEvents(root.engine)).toEqual([]);
  });

  it("refuses to remove a volume a container uses, with docker's message; -f only forgives unknown names", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const { id } = await engine.containers.create({ image: "busybox", cmd: ["true"], volumes: ["shared:/shared"] });
    expect((await engine.volumes.list()).map((volume) => [volume.name, volume.links, volume.anonymous])).toEqual([["shared", 1, false]]);
    for (const force of [false, true]) {
      await expect(engine.volumes.remove("shared", { force })).rejects.toMatchObject({ code: "CONFLICT", message: `remove shared: volume is in use - [${id}]` });
    }
    expect(existsSync(dataDir(root, "shared"))).toBe(true);
    await expect(engine.volumes.remove("nope")).rejects.toMatchObject({ code: "NOT_FOUND", message: "get nope: no such volume" });
    await engine.volumes.remove("nope", { force: true });
    await engine.containers.remove(id, { volumes: true }); // a named volume outlives rm -v
    expect((await engine.volumes.list({ filters: { dangling: ["true"] } })).map((volume) => volume.name)).toEqual(["shared"]);
    await engine.volumes.remove("shared");
    expect(await engine.volumes.list()).toEqual([]);
  });
});

describe("a volume's first mount", () => {
  it("copies the image's content into a new volume, owners and modes kept; not into a bind, a nocopy or a used volume", async () => {
    const root = await freshRoot();
    const { engine } = root;
    await loadOwnedDataImage(engine);
    const bind = await mkdtemp(join(tmpdir(), "berth-bind-"));
    try {
      await startOwned(engine, ["named:/data", "plain:/nothing-here", `${bind}:/srv`]);
      const data = dataDir(root, "named");
      expect(statSync(data)).toMatchObject({ uid: 1000, gid: 1000, mode: 0o40750 });
      expect(readFileSync(join(data, "secret"), "utf8")).toBe("from the image\n");
      expect(statSync(join(data, "secret"))).toMatchObject({ uid: 1001, gid: 1002, mode: 0o100640 });
      expect(readdirSync(bind)).toEqual([]); // binds are never filled
      expect(readdirSync(dataDir(root, "plain"))).toEqual([]);

      await startOwned(engine, ["empty:/data:nocopy"]);
      expect(readdirSync(dataDir(root, "empty"))).toEqual([]);

      writeFileSync(join(data, "secret"), "changed\n");
      await startOwned(engine, ["named:/data"]);
      expect(readFileSync(join(data, "secret"), "utf8")).toBe("changed\n"); // not empty: nothing copied over it
    } finally {
      await rm(bind, { recursive: true, force: true });
    }
  });

  it("fills the image's VOLUME as a new anonymous volume, which rm -v removes", async () => {
    const root = await freshRoot();
    const { engine } = root;
    await loadOwnedDataImage(engine);
    const id = await startOwned(engine);
    const [volume] = await engine.volumes.list();
    expect(volume).toMatchObject({ anonymous: true, links: 1 });
    expect(readFileSync(join(volume!.mountpoint, "secret"), "utf8")).toBe("from the image\n");
    expect(await engine.volumes.inspect(volume!.name)).toMatchObject({ Labels: { "com.docker.volume.anonymous": "" }, Options: null });
    await engine.containers.remove(id, { volumes: true });
    expect(await engine.volumes.list()).toEqual([]);
    expect(existsSync(join(root.root, "volumes", volume!.name))).toBe(false);
  });

  it("mounts a volume's device (tmpfs) for the container and unmounts it when the volume goes", async () => {
    const root = await freshRoot();
    const { engine } = root;
    await engine.volumes.create({ name: "scratch", options: { type: "tmpfs", device: "tmpfs", o: "size=1m" } });
    const run = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "grep ' /scratch ' /proc/mounts; echo kept > /scratch/f"], volumes: ["scratch:/scratch"], autoRemove: true });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^tmpfs \/scratch tmpfs rw,.*size=1024k/);
    expect(readFileSync(join(dataDir(root, "scratch"), "f"), "utf8")).toBe("kept\n");
    await engine.volumes.remove("scratch");
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(dataDir(root, "scratch"));
  });

  it("removes a --rm container's anonymous volumes with it, and keeps its named ones", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const run = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "echo x > /anon/f; echo y > /named/f"], volumes: ["/anon", "keep:/named"], autoRemove: true });
    expect(run.exitCode, run.stderr).toBe(0);
    expect((await engine.volumes.list()).map((volume) => volume.name)).toEqual(["keep"]);
    expect(readFileSync(join(dataDir(root, "keep"), "f"), "utf8")).toBe("y\n");
  });
});

describe("volume prune", () => {
  it("removes unused anonymous volumes, all unused ones with all, honours label filters, keeps used ones", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const used = await engine.containers.create({ image: "busybox", cmd: ["true"], volumes: ["/used"] });
    const unused = await engine.containers.create({ image: "busybox", cmd: ["true"], volumes: ["/unused"] });
    await engine.volumes.create({ name: "named", labels: { keep: "yes" } });
    await engine.volumes.create({ name: "other" });
    await engine.containers.remove(unused.id); // without -v: its anonymous volume is left unused
    const anonymous = (await engine.volumes.list({ filters: { dangling: ["true"] } })).filter((volume) => volume.anonymous);
    expect(anonymous).toHaveLength(1);
    writeFileSync(join(anonymous[0]!.mountpoint, "f"), "12345");

    expect(await engine.volumes.prune()).toEqual({ deleted: [anonymous[0]!.name], spaceReclaimed: 5 });
    expect(await engine.volumes.prune({ all: true, filters: { "label!": ["keep"] } })).toEqual({ deleted: ["other"], spaceReclaimed: 0 });
    expect(await engine.volumes.prune({ filters: { all: ["true"], label: ["keep=yes"] } })).toEqual({ deleted: ["named"], spaceReclaimed: 0 });
    const left = await engine.volumes.list();
    expect(left).toHaveLength(1);
    expect(left[0]).toMatchObject({ anonymous: true, links: 1 });
    await expect(engine.volumes.prune({ filters: { until: ["1h"] } })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "invalid filter 'until'" });
    await engine.containers.remove(used.id, { volumes: true });
    expect(await engine.volumes.list()).toEqual([]);
  });
});
