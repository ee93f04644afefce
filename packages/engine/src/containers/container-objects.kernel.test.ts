import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BerthService } from "@berth/core";
import { describe, expect, it } from "vitest";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";

// rename, container prune, system prune and system df through the service, on the real kernel.

const freshRoot = useContainerRoots();

async function events(engine: BerthService, action: string): Promise<Array<Record<string, string>>> {
  const found: Array<Record<string, string>> = [];
  for await (const event of engine.system.events({ filters: { type: ["container"], event: [action] } })) found.push({ id: event.objectId, ...event.attributes });
  return found;
}

async function startDetached(engine: BerthService, name: string): Promise<string> {
  const { id } = await engine.containers.create({ image: "busybox", cmd: ["sleep", "300"], name, detach: true });
  await engine.containers.start(id);
  return id;
}

describe("rename", () => {
  it("renames a running container and records docker's rename event", async () => {
    const { engine } = await freshRoot();
    const id = await startDetached(engine, "web");
    await engine.containers.rename("web", "/front");
    const [summary] = await engine.containers.list({ filters: { name: ["front"] } });
    expect(summary).toMatchObject({ id, name: "front", state: "running" });
    expect(await engine.containers.inspect("front")).toMatchObject({ Id: id, Name: "/front" });
    await expect(engine.containers.inspect("web")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await events(engine, "rename")).toEqual([{ id, oldName: "/web", name: "front", image: "busybox" }]);
    await engine.containers.stop("front", { timeout: 0 });
    await engine.containers.rename(id.slice(0, 12), "back"); // stopped ones too, by ID prefix
    await engine.containers.start("back");
    expect((await engine.containers.list())[0]).toMatchObject({ name: "back", state: "running" });
  });

  it("refuses like docker and changes nothing", async () => {
    const { engine } = await freshRoot();
    const { id: first } = await engine.containers.create({ image: "busybox", cmd: ["true"], name: "first" });
    await engine.containers.create({ image: "busybox", cmd: ["true"], name: "second" });
    await expect(engine.containers.rename("first", "")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "Neither old nor new names may be empty" });
    await expect(engine.containers.rename("nope", "x1")).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such container: nope" });
    await expect(engine.containers.rename("first", "first")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT", message: "Renaming a container with the same name as its current name",
    });
    await expect(engine.containers.rename("first", "a b")).rejects.toMatchObject({
      code: "INVALID_ARGUMENT", message: "Error when allocating new name: Invalid container name (/a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
    });
    await expect(engine.containers.rename("second", "first")).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Error when allocating new name: Conflict. The container name "/first" is already in use by container "${first}". You have to remove (or rename) that container to be able to reuse that name.`,
    });
    expect((await engine.containers.list({ all: true })).map((summary) => summary.name).sort()).toEqual(["first", "second"]);
    expect(await events(engine, "rename")).toEqual([]);
  });
});

describe("random names", () => {
  it("gives 300 parallel creates 300 names, though they draw from 3480 pairs (so some draw the same)", async () => {
    const { engine } = await freshRoot();
    const created = await Promise.all(Array.from({ length: 300 }, () => engine.containers.create({ image: "busybox", cmd: ["true"] })));
    const names = (await engine.containers.list({ all: true })).map((container) => container.name);
    expect(names).toHaveLength(300);
    expect(new Set(names).size).toBe(300);
    expect(new Set(created.map((container) => container.id)).size).toBe(300);
  }, 300_000);
});

describe("container prune", () => {
  it("removes every container that is not running, with until and label filters, and reports the space", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const running = await startDetached(engine, "running");
    const exited = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "head -c 1000 /dev/zero > /blob"], labels: { keep: "no" } });
    const created = await engine.containers.create({ image: "busybox", cmd: ["true"], labels: { keep: "yes" } });

    expect(await engine.containers.prune({ filters: { until: ["1h"] } })).toEqual({ deleted: [], spaceReclaimed: 0 });
    await expect(engine.containers.prune({ filters: { status: ["exited"] } })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "invalid filter 'status'" });
    expect(await engine.containers.prune({ filters: { "label!": ["keep=yes"] } })).toEqual({ deleted: [exited.id], spaceReclaimed: 1000 });
    // (the running container's own mounts are under the root too)
    expect(containerLeftovers(root, exited.id).filter((found) => found.includes(exited.id))).toEqual([]);
    expect(await engine.containers.prune({ filters: { label: ["keep"] } })).toEqual({ deleted: [created.id], spaceReclaimed: 0 });
    expect((await engine.containers.list({ all: true })).map((summary) => summary.id)).toEqual([running]);
    expect(await engine.containers.prune()).toEqual({ deleted: [], spaceReclaimed: 0 });
    expect((await events(engine, "destroy")).map((event) => event["id"]).sort()).toEqual([exited.id, created.id].sort());
    expect((await events(engine, "prune")).map((event) => event["reclaimed"])).toEqual(["0", "1000", "0", "0"]);
  });
});

describe("system prune and system df", () => {
  it("counts containers, images and volumes; prunes stopped containers, dangling images and with volumes anonymous volumes", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const running = await startDetached(engine, "running");
    const stopped = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "echo 12345 > /f"], volumes: ["/anon", "named:/named"] });
    const anonymous = (await engine.volumes.list()).find((volume) => volume.anonymous)!;
    writeFileSync(join(anonymous.mountpoint, "f"), "123");

    const usage = await engine.system.diskUsage();
    expect(usage.images).toEqual([expect.objectContaining({ repoTags: ["busybox:latest"], containers: 2 })]);
    expect(usage.containers.map((container) => [container.id, container.state, container.sizeRw, container.localVolumes]).sort()).toEqual(
      [[running, "running", 0, 0], [stopped.id, "exited", 6, 2]].sort(),
    );
    expect(usage.volumes.map((volume) => [volume.name, volume.links, volume.size]).sort()).toEqual([[anonymous.name, 1, 3], ["named", 1, 0]].sort());

    const kept = await engine.system.prune();
    expect(kept).toMatchObject({ containers: { deleted: [stopped.id], spaceReclaimed: 6 }, images: { results: [] }, spaceReclaimed: 6 });
    expect(kept.volumes).toBeUndefined();
    expect((await engine.volumes.list()).map((volume) => volume.links)).toEqual([0, 0]);

    const pruned = await engine.system.prune({ volumes: true, all: true });
    expect(pruned).toMatchObject({ containers: { deleted: [] }, volumes: { deleted: [anonymous.name], spaceReclaimed: 3 }, images: { results: [] }, spaceReclaimed: 3 });
    expect((await engine.volumes.list()).map((volume) => volume.name)).toEqual(["named"]); // docker 23+: named volumes stay
    expect(await engine.images.list()).toHaveLength(1); // the running container's image stays with -a
    await engine.containers.remove(running, { force: true });
    const last = await engine.system.prune({ all: true });
    expect(last.images.results).toEqual([{ untagged: "busybox:latest" }, { deleted: expect.stringMatching(/^sha256:/) }]);
    expect(last.spaceReclaimed).toBeGreaterThan(0);
    expect(await engine.system.diskUsage()).toEqual({ images: [], layersSize: 0, containers: [], volumes: [expect.objectContaining({ name: "named", links: 0 })] });
  });
});
