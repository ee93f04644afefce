import { createHash } from "node:crypto";
import { lstat, mkdtemp, readlink, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BerthService } from "@berth/core";
import { chainIdsOf, hexOf } from "../test-support/image-archive.js";
import { saveArchive } from "../test-support/image-fixtures.js";
import { baseImageArchive, readTarFile, startPrivateDockerd, type PrivateDockerd } from "../test-support/private-dockerd.js";
import { expectConsistentStore } from "../test-support/store-invariants.js";
import { createTempRoot, type TempRoot } from "../test-support/temp-root.js";

// berth and real Docker (Debian's 20.10, private daemon, overlay2) exchange images both ways
// with the same IDs: the base image, and an image docker builds with whiteouts, an opaque
// directory, symlinks, hard links and a repeated layer; plus an OCI archive made by skopeo.
// Nothing is pulled: every image comes from an archive loaded locally.

const DOCKERFILE = `FROM busybox:latest
RUN mkdir -p /d/sub && echo one > /d/a && echo two > /d/sub/b && echo gone > /gone.txt
RUN rm /gone.txt /bin/rev && rm -rf /d && mkdir /d && echo new > /d/c
ENV FOO=bar
RUN echo same > /twice && touch -d @1000000000 /twice
RUN echo same > /twice && touch -d @1000000000 /twice
RUN ln -s /d/c /link && echo x > /h1 && ln /h1 /h2
LABEL k=v
CMD ["sh"]
`;
const BUILT = "localhost/interop:built";
const SECOND = "localhost/interop:second";

let dockerd: PrivateDockerd;
let work: string;
const roots: TempRoot[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "berth-interop-"));
  dockerd = await startPrivateDockerd();
  expect(dockerd.storageDriver).toBe("overlay2");
}, 180_000);
afterAll(async () => {
  await Promise.all(roots.map((root) => root.cleanup()));
  await dockerd?.stop();
  if (work) await rm(work, { recursive: true, force: true });
}, 120_000);

async function berthRoot(): Promise<TempRoot> {
  const root = await createTempRoot();
  roots.push(root);
  return root;
}

async function saveToFile(engine: BerthService, references: string[], name: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, await saveArchive(engine, references));
  return path;
}

const dockerId = (reference: string) => dockerd.docker(["image", "inspect", "--format", "{{.Id}}", reference]);
const runInDocker = (image: string, script: string) => dockerd.docker(["run", "--rm", "--pull=never", "--network", "none", image, "sh", "-c", script]);

describe("interop with real Docker", () => {
  let busyboxId: string;
  let dockerArchive: string;
  let builtId: string;

  it("(a) the base archive loaded and saved by berth loads into docker with the same ID and runs", async () => {
    const { engine } = await berthRoot();
    const loaded = await engine.images.load({ kind: "file", path: await baseImageArchive(work) });
    expect(loaded.messages).toEqual(["Loaded image: busybox:latest"]);
    busyboxId = loaded.imageIds[0]!;
    const saved = await saveToFile(engine, ["busybox:latest"], "berth-busybox.tar");
    expect(await dockerd.docker(["load", "-i", saved])).toBe("Loaded image: busybox:latest");
    expect(await dockerId("busybox:latest")).toBe(busyboxId);
    expect(await runInDocker("busybox:latest", "echo hi")).toBe("hi");
  });

  it("(b) an image docker built and saved (20.10 layout) loads into berth with the same ID, tags, history and layers", async () => {
    const context = join(work, "context");
    await mkdir(context);
    await writeFile(join(context, "Dockerfile"), DOCKERFILE);
    await dockerd.docker(["build", "-t", BUILT, "-t", SECOND, context]);
    builtId = await dockerId(BUILT);
    dockerArchive = join(work, "docker-saved.tar");
    await dockerd.docker(["save", "-o", dockerArchive, BUILT, SECOND]);

    const entries = await readTarFile(dockerArchive);
    expect(entries.has("index.json")).toBe(false); // docker 20.10: per-layer directories
    expect([...entries].filter(([name, entry]) => name.endsWith("/layer.tar") && entry.type === "symlink")).toHaveLength(1);
    const manifest = JSON.parse(String(entries.get("manifest.json")!.content)) as { Config: string }[];
    const config = JSON.parse(String(entries.get(manifest[0]!.Config)!.content)) as {
      rootfs: { diff_ids: string[] };
      history: { created_by: string; empty_layer?: boolean }[];
    };

    const { engine, root } = await berthRoot();
    const loaded = await engine.images.load({ kind: "file", path: dockerArchive });
    expect([...loaded.messages].sort()).toEqual([`Loaded image: ${BUILT}`, `Loaded image: ${SECOND}`]);
    expect(loaded.imageIds).toEqual([builtId]);
    const inspected = await engine.images.inspect(BUILT);
    expect(inspected).toMatchObject({ Id: builtId, RepoTags: [BUILT, SECOND], RootFS: { Type: "layers", Layers: config.rootfs.diff_ids } });
    expect((inspected.Config as { Labels: Record<string, string>; Env: string[] }).Labels).toEqual({ k: "v" });

    const rows = await engine.images.history(BUILT);
    const dockerCreatedBy = (await dockerd.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", BUILT])).split("\n");
    expect(rows.map((row) => row.createdBy)).toEqual(dockerCreatedBy);
    expect(rows.map((row) => row.emptyLayer)).toEqual([...config.history].reverse().map((entry) => entry.empty_layer === true));
    expect(rows.map((row) => row.id)).toEqual([builtId, ...Array(rows.length - 1).fill("<missing>")]);

    // the layers as overlay lowerdirs: whiteouts are char 0/0 devices, the replaced dir is opaque
    const diffs = chainIdsOf(config.rootfs.diff_ids).map((chainId) => join(root, "layers", hexOf(chainId), "diff"));
    for (const path of ["gone.txt", "bin/rev"]) {
      const whiteout = await lstat(join(diffs[2]!, path));
      expect([whiteout.isCharacterDevice(), whiteout.rdev]).toEqual([true, 0]);
    }
    const opaque = await execa("getfattr", ["--only-values", "-n", "trusted.overlay.opaque", join(diffs[2]!, "d")]);
    expect(opaque.stdout).toBe("y");
    expect((await lstat(join(diffs[2]!, "d", "c"))).isFile()).toBe(true);
    expect((await lstat(join(diffs[1]!, "gone.txt"))).isFile()).toBe(true);
    expect(await readlink(join(diffs[5]!, "link"))).toBe("/d/c");
    const [h1, h2] = await Promise.all([lstat(join(diffs[5]!, "h1")), lstat(join(diffs[5]!, "h2"))]);
    expect([h1.ino, h1.nlink]).toEqual([h2.ino, 2]);
    expect(config.rootfs.diff_ids[3]).toBe(config.rootfs.diff_ids[4]); // the repeated layer: two chains, one tar
    const store = await expectConsistentStore(engine, root);
    expect(store.layerDirs).toHaveLength(6);
    expect(store.blobs).toHaveLength(1); // the config: each layer keeps a split record, not a second copy of its tar
    expect(store.splits).toHaveLength(6);
  });

  it("(c) berth saves that image and docker loads it back with the same ID, and runs it", async () => {
    const { engine } = await berthRoot();
    await engine.images.load({ kind: "file", path: dockerArchive });
    const saved = await saveToFile(engine, [BUILT], "berth-built.tar");
    await dockerd.docker(["rmi", BUILT, SECOND]);
    await expect(dockerId(BUILT)).rejects.toThrow(/No such image/);
    expect(await dockerd.docker(["load", "-i", saved])).toBe(`Loaded image: ${BUILT}`);
    expect(await dockerId(BUILT)).toBe(builtId);
    const out = await runInDocker(BUILT, "cat /d/c; ls /d; test -e /gone.txt || echo gone; readlink /link; stat -c %h /h1; echo $FOO");
    expect(out.split("\n")).toEqual(["new", "c", "gone", "/d/c", "2", "bar"]);
  });

  it("(d) an OCI archive made by skopeo from docker's archive loads through index.json", async () => {
    const ociArchive = join(work, "skopeo-oci.tar");
    await execa("skopeo", ["copy", `docker-archive:${dockerArchive}:${BUILT}`, `oci-archive:${ociArchive}:${BUILT}`]);
    const entries = await readTarFile(ociArchive);
    expect(entries.has("manifest.json")).toBe(false);
    const index = JSON.parse(String(entries.get("index.json")!.content)) as { manifests: { digest: string }[] };
    const manifestBytes = entries.get(`blobs/sha256/${hexOf(index.manifests[0]!.digest)}`)!.content!;
    const manifest = JSON.parse(String(manifestBytes)) as { config: { digest: string }; layers: { mediaType: string }[] };
    const configBytes = entries.get(`blobs/sha256/${hexOf(manifest.config.digest)}`)!.content!;
    const config = JSON.parse(String(configBytes)) as { rootfs: { diff_ids: string[] }; history: unknown[] };
    expect(manifest.layers.every((layer) => layer.mediaType === "application/vnd.oci.image.layer.v1.tar+gzip")).toBe(true);

    const { engine, root } = await berthRoot();
    const loaded = await engine.images.load({ kind: "file", path: ociArchive });
    const expectedId = `sha256:${createHash("sha256").update(configBytes).digest("hex")}`;
    expect(loaded).toEqual({ messages: [`Loaded image: ${BUILT}`], imageIds: [expectedId] });
    expect(expectedId).toBe(manifest.config.digest);
    const inspected = await engine.images.inspect(BUILT);
    expect((inspected.RootFS as { Layers: string[] }).Layers).toEqual(config.rootfs.diff_ids);
    const dockerLayers = JSON.parse(await dockerd.docker(["image", "inspect", "--format", "{{json .RootFS.Layers}}", BUILT])) as string[];
    expect(dockerLayers).toEqual(config.rootfs.diff_ids);
    expect(await engine.images.history(BUILT)).toHaveLength(config.history.length);
    await expectConsistentStore(engine, root);
  });
});

