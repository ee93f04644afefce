import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { shortId, type BerthService, type ContainerCreateOptions } from "@berth/core";
import { describe, expect, it } from "vitest";
import { type ContainerRoot, runAttached, useContainerRoots } from "../test-support/container-root.js";

// What a user gets wrong, through the service: docker's error, and nothing created or changed.
// Plus rmi and image prune against images that containers use.

const freshRoot = useContainerRoots();

/** Nothing of a container exists: no row, no dir, no volume, no event. */
async function expectNothingCreated(container: ContainerRoot): Promise<void> {
  expect(await container.engine.containers.list({ all: true })).toEqual([]);
  const dir = join(container.root, "containers");
  expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  const volumes = join(container.root, "volumes");
  expect(existsSync(volumes) ? readdirSync(volumes) : []).toEqual([]);
  const events: string[] = [];
  for await (const event of container.engine.system.events({ filters: { type: ["container", "volume"] } })) events.push(event.action);
  expect(events).toEqual([]);
}

const busybox = (extra: Partial<ContainerCreateOptions> = {}): ContainerCreateOptions => ({ image: "busybox", cmd: ["true"], ...extra });

describe("create refuses bad input like docker and creates nothing", () => {
  it.each<[string, Partial<ContainerCreateOptions>, string, string]>([
    ["an unknown image", { image: "localhost/nope" }, "NOT_FOUND", "No such image: localhost/nope"],
    ["-m 10zz", { memory: "10zz" }, "INVALID_ARGUMENT", `invalid argument "10zz" for "-m, --memory" flag: invalid size: '10zz'`],
    ["-m 1k", { memory: "1k" }, "INVALID_ARGUMENT", "Minimum memory limit allowed is 6MB"],
    ["--cpus -1", { cpus: "-1" }, "INVALID_ARGUMENT", "Range of CPUs is from 0.01 to"],
    ["--cpus x", { cpus: "x" }, "INVALID_ARGUMENT", `invalid argument "x" for "--cpus" flag: failed to parse x as a rational number`],
    ["--stop-signal FOO", { stopSignal: "FOO" }, "INVALID_ARGUMENT", "Invalid signal: FOO"],
    ["a bad -v spec", { volumes: ["a:b:c:d"] }, "INVALID_ARGUMENT", "invalid volume specification: 'a:b:c:d'"],
    ["a relative -v target", { volumes: ["vol:ctr"] }, "INVALID_ARGUMENT", "invalid volume specification: 'vol:ctr'"],
    ["a --mount bind without source", { mounts: ["type=bind,source=/nonexistent-berth-src,target=/x"] }, "INVALID_ARGUMENT", `invalid mount config for type "bind": bind source path does not exist: /nonexistent-berth-src`],
    ["--restart with --rm", { restart: "always", autoRemove: true }, "INVALID_ARGUMENT", "Conflicting options: --restart and --rm"],
    ["a bad restart policy", { restart: "sometimes" }, "INVALID_ARGUMENT", "invalid restart policy 'sometimes'"],
    ["an invalid name", { name: "a b" }, "INVALID_ARGUMENT", "Invalid container name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"],
    ["no command at all", { cmd: [], entrypoint: "" }, "INVALID_ARGUMENT", "no command specified"],
    ["a relative working dir", { workingDir: "srv" }, "INVALID_ARGUMENT", "the working directory 'srv' is invalid, it needs to be an absolute path"],
    ["an unknown capability", { capAdd: ["FOO"] }, "INVALID_ARGUMENT", `invalid CapAdd: unknown capability: "CAP_FOO"`],
    ["an unknown security option", { securityOpt: ["bogus"] }, "INVALID_ARGUMENT", `invalid --security-opt 2: "bogus"`],
  ])("%s", async (_, options, code, message) => {
    const container = await freshRoot();
    await expect(container.engine.containers.create(busybox(options))).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
    await expectNothingCreated(container);
  });

  it("refuses a duplicate name with docker's message, and names without one docker's way", async () => {
    const { engine } = await freshRoot();
    const { id } = await engine.containers.create(busybox({ name: "web" }));
    await expect(engine.containers.create(busybox({ name: "web" }))).rejects.toMatchObject({
      code: "CONFLICT",
      message: `Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
    });
    const { id: other } = await engine.containers.create(busybox());
    const [summary] = await engine.containers.list({ all: true, filters: { id: [other] } });
    expect(summary?.name).toMatch(/^[a-z]+_[a-z_]+$/);
    expect((await engine.containers.list({ all: true })).length).toBe(2);
  });

  it("answers unknown containers with NOT_FOUND and a command that cannot run with docker's codes", async () => {
    const { engine } = await freshRoot();
    await expect(engine.containers.inspect("nope")).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such container: nope" });
    await expect(engine.containers.start("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(engine.containers.remove("nope")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(runAttached(engine, { image: "busybox", cmd: ["no-such-command"] })).rejects.toMatchObject({
      code: "COMMAND_NOT_FOUND",
      message: expect.stringContaining('exec: "no-such-command": executable file not found in $PATH'),
    });
    await expect(runAttached(engine, { image: "busybox", cmd: ["/etc/passwd"] })).rejects.toMatchObject({ code: "COMMAND_NOT_EXECUTABLE" });
  });
});

describe("images that containers use", () => {
  async function imageId(engine: BerthService): Promise<string> {
    return ((await engine.images.inspect("busybox")) as { Id: string }).Id;
  }

  it("rmi refuses them like docker, and prune -a keeps them", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const image = await imageId(engine);
    const { id } = await engine.containers.create(busybox());
    await expect(engine.images.remove("busybox")).rejects.toMatchObject({
      code: "CONFLICT",
      message: `conflict: unable to remove repository reference "busybox" (must force) - container ${shortId(id)} is using its referenced image ${shortId(image)}`,
    });
    await expect(engine.images.remove(shortId(image))).rejects.toMatchObject({
      code: "CONFLICT",
      message: `conflict: unable to delete ${shortId(image)} (must be forced) - image is being used by stopped container ${shortId(id)}`,
    });
    expect((await engine.images.prune({ all: true })).results).toEqual([]);

    const running = await engine.containers.create({ image: "busybox", cmd: ["sleep", "300"], detach: true });
    await engine.containers.start(running.id);
    await expect(engine.images.remove(shortId(image), { force: true })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `conflict: unable to delete ${shortId(image)} (cannot be forced) - image is being used by running container ${shortId(running.id)}`,
    });
    await engine.containers.remove(running.id, { force: true });

    // forced by name, with only a stopped container: docker deletes the image; the container keeps its layers
    expect(await engine.images.remove("busybox", { force: true })).toEqual([{ untagged: "busybox:latest" }, { deleted: image }]);
    expect(await engine.images.list({ all: true })).toEqual([]);
    expect(await engine.containers.inspect(id)).toMatchObject({ Image: image, Config: { Image: "busybox" } });
    expect((await engine.containers.list({ all: true }))[0]).toMatchObject({ id, image }); // ps shows the ID once the name is gone
    await expect(engine.containers.create(busybox())).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await engine.containers.start(id, { stdout: () => undefined, stderr: () => undefined })).toBe(0);
    const layerDirs = () => readdirSync(join(root.root, "layers")).filter((name) => name !== "l");
    expect(layerDirs()).toHaveLength(1);
    await engine.containers.remove(id);
    expect(layerDirs()).toEqual([]); // the last holder took them along
  });

  it("rmi -f by name keeps what a running container uses; by ID it deletes what a stopped one uses", async () => {
    const { engine } = await freshRoot();
    const image = await imageId(engine);
    await engine.images.tag("busybox", "localhost/other:1");
    const running = await engine.containers.create({ image: "busybox", cmd: ["sleep", "300"], detach: true });
    await engine.containers.start(running.id);
    expect(await engine.images.remove("busybox", { force: true })).toEqual([{ untagged: "busybox:latest" }]);
    expect(await engine.images.remove("localhost/other:1", { force: true })).toEqual([{ untagged: "localhost/other:1" }]);
    expect(await engine.images.list({ all: true })).toMatchObject([{ id: image, repoTags: [] }]);
    await engine.containers.remove(running.id, { force: true });
    const stopped = await engine.containers.create({ image: shortId(image), cmd: ["true"] });
    expect(await engine.images.remove(shortId(image), { force: true })).toEqual([{ deleted: image }]);
    expect(await engine.containers.inspect(stopped.id)).toMatchObject({ Image: image });
  });
});
