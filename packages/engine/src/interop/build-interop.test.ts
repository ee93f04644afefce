import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE } from "../test-support/build-fixture.js";
import { BUSYBOX_ARCHIVE, createContainerRoot, prepareExitCommand, requireRoot, runAttached, type ContainerRoot } from "../test-support/container-root.js";
import { saveArchive } from "../test-support/image-fixtures.js";
import { startPrivateDockerd, type PrivateDockerd } from "../test-support/private-dockerd.js";

// berth's commit and build next to real Docker (Debian's 20.10, private daemon, classic builder
// with DOCKER_BUILDKIT=0): a committed image loads into docker with the same ID, and the same
// Dockerfile gives the same history rows, empty/non-empty pattern and final config.

let dockerd: PrivateDockerd;
let root: ContainerRoot;
let work: string;
beforeAll(async () => {
  requireRoot();
  await prepareExitCommand();
  work = await mkdtemp(join(tmpdir(), "berth-build-interop-"));
  [dockerd, root] = await Promise.all([startPrivateDockerd(), createContainerRoot()]);
  await dockerd.docker(["load", "-i", BUSYBOX_ARCHIVE]);
}, 300_000);
afterAll(async () => {
  await root?.cleanup();
  await dockerd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

describe("commit and build next to docker", () => {
  it("saves a committed image that docker loads with the same ID and runs", async () => {
    const { engine } = root;
    const run = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "mkdir /app && echo committed > /app/x && rm /bin/rev"] });
    const id = await engine.containers.commit(run.id, { reference: "localhost/committed:1", changes: ['CMD ["cat", "/app/x"]'], message: "m" });
    const archive = join(work, "committed.tar");
    await writeFile(archive, await saveArchive(engine, ["localhost/committed:1"]));
    await dockerd.docker(["load", "-i", archive]);
    expect(await dockerd.docker(["image", "inspect", "--format", "{{.Id}}", "localhost/committed:1"])).toBe(id);
    expect(await dockerd.docker(["run", "--rm", "--network", "none", "localhost/committed:1"])).toBe("committed");
    expect(await dockerd.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Comment}}", "localhost/committed:1"])).toMatch(
      /^sh -c mkdir \/app && echo committed > \/app\/x && rm \/bin\/rev\|m\n/,
    );
  }, 300_000);

  it("builds the acceptance fixture with docker's history rows, empty-layer pattern and final config", async () => {
    const dir = join(work, "fixture");
    for (const [name, content] of Object.entries(FIXTURE)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
    }
    await writeFile(join(dir, "Dockerfile"), `${FIXTURE.Dockerfile}WORKDIR /srv/app\nUSER 1000:1000\nLABEL team=berth\nENTRYPOINT ["/bin/sh", "-c"]\n`);
    const built = await root.engine.builds.build({ context: { kind: "dir", path: dir }, tags: ["localhost/fixture:1"] });
    expect(built.status).toBe("built");
    await dockerd.docker(["build", "-t", "localhost/fixture:1", dir]);

    const dockerRows = (await dockerd.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Size}}", "localhost/fixture:1"])).split("\n");
    const berthRows = await root.engine.images.history("localhost/fixture:1");
    expect(berthRows).toHaveLength(dockerRows.length);
    const normalize = (text: string) => text.replace(/(file|dir|multi):[0-9a-f]{64}/, "$1:<hash>");
    expect(berthRows.map((row) => normalize(row.createdBy))).toEqual(dockerRows.map((row) => normalize(row.split("|")[0]!)));
    expect(berthRows.map((row) => row.size === 0)).toEqual(dockerRows.map((row) => row.split("|")[1] === "0B"));

    const fields = ["Env", "Cmd", "Entrypoint", "WorkingDir", "User", "ExposedPorts", "Labels"];
    const dockerConfig = JSON.parse(await dockerd.docker(["image", "inspect", "--format", "{{json .Config}}", "localhost/fixture:1"])) as Record<string, unknown>;
    const berthConfig = ((await root.engine.images.inspect("localhost/fixture:1")) as { Config: Record<string, unknown> }).Config;
    for (const field of fields) expect([field, berthConfig[field] ?? null]).toEqual([field, dockerConfig[field] ?? null]);
  }, 300_000);
});
