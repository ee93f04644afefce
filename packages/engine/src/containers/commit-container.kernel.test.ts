import { readFileSync, readdirSync } from "node:fs";
import { chainIds, digestHex, type BerthService } from "@berth/core";
import { describe, expect, it } from "vitest";
import { containerCgroup, groupDir } from "../cgroups/cgroup-naming.js";
import { runAttached, useContainerRoots } from "../test-support/container-root.js";

// docker commit on the real kernel: the read-write layer (not the init layer's stubs) becomes one
// layer on the container's image, with one history row, -c changes, and the freezer during it.

const freshRoot = useContainerRoots();

const config = async (engine: BerthService, reference: string) =>
  (await engine.images.inspect(reference)) as { Id: string; Parent: string; Config: Record<string, unknown>; RootFS: { Layers: string[] }; Author: string; Comment: string };

describe("commit", () => {
  it("turns the read-write layer into one layer on the container's image, with one history row", async () => {
    const { engine, root } = await freshRoot();
    const run = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "mkdir /app && echo hi > /app/x && rm /bin/ls && echo ok"] });
    expect(run).toMatchObject({ exitCode: 0, stdout: "ok\n" });
    const id = await engine.containers.commit(run.id, {
      reference: "localhost/committed:v1",
      message: "add app",
      author: "tester",
      changes: ['CMD ["cat", "/app/x"]', "ENV A=1", "EXPOSE 8000", "WORKDIR /app", "LABEL k=v"],
    });
    const base = await config(engine, "busybox");
    const image = await config(engine, "localhost/committed:v1");
    expect(image.Id).toBe(id);
    expect(image.RootFS.Layers).toEqual([...base.RootFS.Layers, expect.stringMatching(/^sha256:/)]);
    expect(image).toMatchObject({ Author: "tester", Comment: "add app" });
    expect(image.Config).toMatchObject({ Cmd: ["cat", "/app/x"], WorkingDir: "/app", ExposedPorts: { "8000/tcp": {} }, Labels: { k: "v" } });
    expect(image.Config.Env).toContain("A=1");

    const history = await engine.images.history(id);
    expect(history.length).toBe((await engine.images.history("busybox")).length + 1);
    expect(history[0]).toMatchObject({ id, createdBy: "sh -c mkdir /app && echo hi > /app/x && rm /bin/ls && echo ok", comment: "add app", emptyLayer: false });
    expect(history[1]!.id).toBe(base.Id);
    const listed = await engine.images.list({ all: true });
    expect(listed.find((entry) => entry.id === id)).toMatchObject({ parentId: base.Id });

    const again = await runAttached(engine, { image: "localhost/committed:v1" });
    expect(again).toMatchObject({ exitCode: 0, stdout: "hi\n" });
    // The committed layer deleted /bin/ls: docker's start error (exit 127), the container left Created.
    await expect(runAttached(engine, { image: id, cmd: ["ls"] })).rejects.toMatchObject({ code: "COMMAND_NOT_FOUND" });
        expect(history[0]!.size).toBe(3);
    // Only what the process changed: none of the init layer's stubs (/etc/hosts, /dev, /proc…).
    const top = digestHex(chainIds(image.RootFS.Layers).at(-1)!);
    expect(readdirSync(`${root}/layers/${top}/diff`).sort()).toEqual(["app", "bin"]);
  });

  it("adds an empty-layer row when nothing changed, and refuses bad changes and unknown containers", async () => {
    const { engine } = await freshRoot();
    const { id: container } = await engine.containers.create({ image: "busybox", cmd: ["true"] });
    const id = await engine.containers.commit(container);
    const image = await config(engine, id);
    expect(image.RootFS.Layers).toEqual((await config(engine, "busybox")).RootFS.Layers);
    expect((await engine.images.history(id))[0]).toMatchObject({ emptyLayer: true, size: 0, createdBy: "true" });
    await expect(engine.containers.commit(container, { changes: ["RUN echo"] })).rejects.toThrow("run is not a valid change command");
    await expect(engine.containers.commit("nope")).rejects.toThrow("No such container: nope");
    await expect(engine.containers.commit(container, { reference: "localhost/x@sha256:" + "a".repeat(64) })).rejects.toThrow(
      "refusing to create a tag with a digest reference",
    );
    expect((await engine.images.list({ all: true })).length).toBe(2);
  });

  it("freezes a running container during the commit and thaws it after (unless --pause=false)", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const { id } = await engine.containers.create({ image: "busybox", cmd: ["sh", "-c", "echo data > /d; exec sleep 300"], detach: true });
    await engine.containers.start(id);
    const freezer = groupDir(containerCgroup(root.layout, root.rootHash, id), "freezer")!;
    const freezerState = () => readFileSync(`${freezer}/freezer.state`, "utf8").trim();
    const image = await engine.containers.commit(id, { reference: "localhost/live" });
    expect(freezerState()).toBe("THAWED");
    expect(((await engine.containers.inspect(id)) as { State: { Status: string } }).State.Status).toBe("running");
    await engine.containers.commit(id, { pause: false });
    const events: string[] = [];
    for await (const event of engine.system.events({ filters: { type: ["container"] } })) events.push(event.action);
    expect(events).toContain("commit");
    expect(events).not.toContain("pause");
    expect((await runAttached(engine, { image, cmd: ["cat", "/d"] })).stdout).toBe("data\n");
    await engine.containers.remove(id, { force: true });
  });
});

