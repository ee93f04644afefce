import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthService } from "@berth/core";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { archiveHostPath, extractToHostDir } from "../layers/tree-archive.js";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";
import { waitUntil } from "./host-processes.js";

// diff, export and cp on the real kernel (busybox, a fresh root per test): what they see of a
// running and of a stopped container, and that a symlink the container planted (to a host path,
// to /etc/shadow, or ../../..) never leads berth to a host file, in either direction.

const freshRoot = useContainerRoots();
const sh = (script: string) => ({ image: "busybox", cmd: ["sh", "-c", script] });

let canaryDir: string | undefined;
afterEach(async () => {
  if (canaryDir) await rm(canaryDir, { recursive: true, force: true });
  canaryDir = undefined;
});

/** A host dir with a secret file, whose absolute path the container's symlinks point at. */
async function makeCanary(): Promise<{ dir: string; secret: string }> {
  canaryDir = await mkdtemp(join(tmpdir(), "berth-canary-"));
  const secret = join(canaryDir, "secret");
  await writeFile(secret, "host secret\n");
  return { dir: canaryDir, secret };
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function* bytes(data: Buffer): AsyncIterable<Uint8Array> {
  yield data;
}

/** `tar tv` of a tar: "type path[ -> link]" lines. */
async function listTar(data: Buffer): Promise<string[]> {
  const { stdout } = await execa("tar", ["-tvf", "-"], { input: data });
  return stdout.split("\n").map((line) => {
    const fields = line.split(/\s+/);
    return `${fields[0]![0]} ${fields.slice(5).join(" ")}`;
  });
}

/** A detached container whose script ran up to `touch /ready` (then it sleeps). */
async function startPrepared(engine: BerthService, script: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { id } = await engine.containers.create({ ...sh(`${script}; touch /ready; sleep 1000`), detach: true, ...extra });
  await engine.containers.start(id);
  const ready = await waitUntil(async () => {
    try {
      await engine.containers.statPath(id, "/ready");
      return true;
    } catch {
      return false;
    }
  }, 20_000, 50);
  expect(ready).toBe(true);
  return id;
}

const PLANT = (canary: string) =>
  `ln -s ${canary} /tmp/leak; ln -s /etc/shadow /tmp/shadow; ln -s ../../../.. /tmp/up; ln -s ${canary}/secret /tmp/secret-link`;

describe("diff", () => {
  it("lists A, C and D of the read-write layer like docker, parents as C, running and stopped, never the init layer's files", async () => {
    const { engine } = await freshRoot();
    const id = await startPrepared(engine, [
      "mkdir /tmp/x", "echo hi > /tmp/x/f", "rm /bin/ls", "echo p >> /etc/passwd",
      "rm -rf /usr && mkdir /usr && touch /usr/z", "echo > /etc/hosts", "touch /etc/resolv.conf",
    ].join("; "), { volumes: ["/data"], tmpfs: ["/scratch"] });
    const expected = [
      "C /bin", "D /bin/ls", "A /data", "C /etc", "C /etc/passwd", "C /tmp", "A /tmp/x", "A /tmp/x/f",
      "C /usr", "D /usr/bin", "D /usr/sbin", "A /usr/z", "A /ready", "A /scratch",
    ];
    const lines = (await engine.containers.diff(id)).map((change) => `${change.kind} ${change.path}`);
    expect([...lines].sort()).toEqual([...expected].sort());
    expect(lines.slice(0, 3)).toEqual(["C /bin", "D /bin/ls", "A /data"]); // sorted by path, parents first
    await engine.containers.stop(id, { timeout: 0 });
    expect((await engine.containers.diff(id)).map((change) => `${change.kind} ${change.path}`).sort()).toEqual([...expected].sort());
    await expect(engine.containers.diff("nope")).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such container: nope" });
  });
});

describe("export", () => {
  it("writes the merged root without volumes, tmpfs, /proc or bind mounts, running and stopped, and the tar imports and runs", async () => {
    const container = await freshRoot();
    const { engine } = container;
    const canary = await makeCanary();
    const bind = await mkdtemp(join(tmpdir(), "berth-bind-"));
    await writeFile(join(bind, "bound"), "bound\n");
    try {
      const id = await startPrepared(engine, `${PLANT(canary.dir)}; echo v > /data/vol; echo t > /scratch/t; echo kept > /kept`, {
        volumes: ["/data", `${bind}:/bound`], tmpfs: ["/scratch"],
      });
      const running = await collect(engine.containers.export(id));
      const entries = await listTar(running);
      expect(entries).toContain("- kept");
      expect(entries).toContain("d data/");
      expect(entries).toContain("d proc/");
      expect(entries).toContain(`l tmp/leak -> ${canary.dir}`);
      expect(entries).toContain("l tmp/shadow -> /etc/shadow");
      expect(entries.filter((entry) => /^. (data|scratch|bound|proc|sys)\/./.test(entry))).toEqual([]);
      expect(running.includes("host secret")).toBe(false);
      expect(running.includes("bound\n")).toBe(false);

      await engine.containers.stop(id, { timeout: 0 });
      const stopped = await collect(engine.containers.export(id));
      expect(await listTar(stopped)).toEqual(entries);
      expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(`${container.root}/containers/${id}/merged`);

      const imageId = await engine.images.import({ kind: "stream", stream: bytes(stopped) }, { reference: "localhost/flat:1", changes: ['CMD ["sh"]'] });
      expect(imageId).toMatch(/^sha256:/);
      const result = await runAttached(engine, { image: "localhost/flat:1", cmd: ["sh", "-c", "cat /kept; ls /data | wc -l"] });
      expect(result).toMatchObject({ exitCode: 0, stdout: "kept\n0\n" });
    } finally {
      await rm(bind, { recursive: true, force: true });
    }
  });
});

describe("cp", () => {
  it("copies out of and into a running container's mount namespace (volumes, tmpfs), keeping docker's ownership rules", async () => {
    const { engine, root } = await freshRoot();
    const id = await startPrepared(engine, "echo v > /data/vol; echo t > /scratch/t; mkdir -p /srv/d/e; echo g > /srv/d/e/g; chown -R 1111:2222 /srv/d", {
      volumes: ["/data"], tmpfs: ["/scratch"],
    });
    const out = await mkdtemp(join(tmpdir(), "berth-cp-out-"));
    try {
      expect(await listTar(await collect(engine.containers.archivePath(id, "/scratch/t")))).toEqual(["- t"]);
      expect(await listTar(await collect(engine.containers.archivePath(id, "/srv/d")))).toEqual(["d d/", "d d/e/", "- d/e/g"]);
      expect(await listTar(await collect(engine.containers.archivePath(id, "/srv/d/.")))).toEqual(["d ./", "d ./e/", "- ./e/g"]);
      await extractToHostDir(out, engine.containers.archivePath(id, "/srv/d"), { owner: "caller" });
      expect(await readFile(join(out, "d/e/g"), "utf8")).toBe("g\n");
      expect((await stat(join(out, "d/e/g"))).uid).toBe(0);
      await extractToHostDir(out, engine.containers.archivePath(id, "/srv/d"), { owner: "archive", rename: { from: "d", to: "kept" } });
      expect((await stat(join(out, "kept/e/g"))).uid).toBe(1111);

      await writeFile(join(out, "in"), "in\n");
      await execa("chown", ["1234:5678", join(out, "in")]);
      await engine.containers.extractToPath(id, "/data", archiveHostPath(join(out, "in"), false));
      await engine.containers.extractToPath(id, "/data", archiveHostPath(join(out, "in"), false)); // a file replaces a file
      await engine.containers.extractToPath(id, "/scratch", archiveHostPath(join(out, "in"), false), { rename: { from: "in", to: "renamed" } });
      const volumes = await readdir(join(root, "volumes"));
      expect(await readFile(join(root, "volumes", volumes[0]!, "_data", "in"), "utf8")).toBe("in\n");
      expect((await stat(join(root, "volumes", volumes[0]!, "_data", "in"))).uid).toBe(1234); // the archive's ids, as docker keeps them
      expect(await collect(engine.containers.archivePath(id, "/scratch/renamed")).then(listTar)).toEqual(["- renamed"]);
      expect(await engine.containers.statPath(id, "/scratch/renamed")).toMatchObject({ name: "renamed", size: 3, isDirectory: false, linkTarget: "" });

      await expect(engine.containers.statPath(id, "/nope")).rejects.toMatchObject({ code: "NOT_FOUND", message: `Could not find the file /nope in container ${id}` });
      await expect(engine.containers.extractToPath(id, "/nope/dir", archiveHostPath(join(out, "in"), false))).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(engine.containers.extractToPath(id, "/srv/d/e/g", archiveHostPath(join(out, "in"), false))).rejects.toMatchObject({ message: "lstat /srv/d/e/g/: not a directory" });
      // A directory never replaces a file, nor the reverse.
      await mkdir(join(out, "g"));
      await expect(engine.containers.extractToPath(id, "/srv/d/e", archiveHostPath(join(out, "g"), false))).rejects.toMatchObject({ message: expect.stringContaining("cannot overwrite non-directory") });
      expect(await collect(engine.containers.archivePath(id, "/srv/d/e/g")).then((tar) => execa("tar", ["-xOf", "-"], { input: tar })).then((r) => r.stdout)).toBe("g");

      // pause does not stop a copy, as in docker on Linux.
      await engine.containers.pause(id);
      await engine.containers.extractToPath(id, "/tmp", archiveHostPath(join(out, "in"), false));
      await engine.containers.unpause(id);
      expect(await engine.containers.statPath(id, "/tmp/in")).toMatchObject({ name: "in" });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it("never follows a planted symlink to the host: reads stay in the container, writes land in it, host canaries untouched", async () => {
    const { engine } = await freshRoot();
    const canary = await makeCanary();
    const id = await startPrepared(engine, `${PLANT(canary.dir)}; mkdir -p ${canary.dir}; echo container-side > ${canary.dir}/secret`);
    const source = await mkdtemp(join(tmpdir(), "berth-cp-src-"));
    try {
      await writeFile(join(source, "payload"), "payload\n");
      // Reads: the link's target is looked up inside the container.
      const read = async (path: string) => execa("tar", ["-xOf", "-"], { input: await collect(engine.containers.archivePath(id, path)) }).then((r) => r.stdout);
      expect(await read("/tmp/leak/secret")).toBe("container-side");
      await expect(read("/tmp/secret-link/")).rejects.toMatchObject({ message: "lstat /tmp/secret-link/: not a directory" });
      await expect(read("/tmp/shadow/")).rejects.toMatchObject({ code: "NOT_FOUND" }); // busybox has no /etc/shadow
      expect(await engine.containers.statPath(id, "/tmp/secret-link")).toMatchObject({ linkTarget: `${canary.dir}/secret` });
      expect(await read("/tmp/up/etc/hostname")).toBe(id.slice(0, 12));
      expect(await listTar(await collect(engine.containers.archivePath(id, "/tmp/leak")))).toEqual([`l leak -> ${canary.dir}`]);
      // Writes: through links to a host path and out of the root with ../, into the container.
      await engine.containers.extractToPath(id, "/tmp/leak", archiveHostPath(join(source, "payload"), false));
      await engine.containers.extractToPath(id, "/tmp/up/tmp/up", archiveHostPath(join(source, "payload"), false), { rename: { from: "payload", to: "top" } });
      expect(await read(`${canary.dir}/payload`)).toBe("payload");
      expect(await read("/top")).toBe("payload");
      expect(await readdir(canary.dir)).toEqual(["secret"]);
      expect(await readFile(canary.secret, "utf8")).toBe("host secret\n");
      expect(existsSync("/top")).toBe(false);
      // A tar whose entries climb out, or write through a link it planted itself.
      const evil = await mkdtemp(join(tmpdir(), "berth-cp-evil-"));
      try {
        await execa("sh", ["-c", `cd ${evil} && ln -s ${canary.dir} link && echo x > x && tar -cf ../evil-a.tar link && tar -rf ../evil-a.tar --transform 's,^x,link/owned,' x && tar -cf ../evil-b.tar -P --transform 's,^,../../../../..${canary.dir}/,' x`]);
        await engine.containers.extractToPath(id, "/tmp", bytes(await readFile(`${evil}/../evil-a.tar`)));
        await expect(engine.containers.extractToPath(id, "/tmp", bytes(await readFile(`${evil}/../evil-b.tar`)))).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
        expect(await read(`${canary.dir}/owned`)).toBe("x");
        expect(await readdir(canary.dir)).toEqual(["secret"]);
      } finally {
        await rm(evil, { recursive: true, force: true });
        await rm(`${evil}/../evil-a.tar`, { force: true });
        await rm(`${evil}/../evil-b.tar`, { force: true });
      }
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });

  it("works on a stopped container through its overlay, leaves nothing mounted, and -a chowns to the container's user", async () => {
    const container = await freshRoot();
    const { engine } = container;
    const { id } = await engine.containers.create({ ...sh("true"), user: "nobody", detach: true });
    const source = await mkdtemp(join(tmpdir(), "berth-cp-src-"));
    try {
      await writeFile(join(source, "f"), "f\n");
      await engine.containers.extractToPath(id, "/tmp", archiveHostPath(join(source, "f"), false), { copyUidGid: true });
      expect(await engine.containers.statPath(id, "/tmp/f")).toMatchObject({ size: 2 });
      const tar = await collect(engine.containers.archivePath(id, "/tmp/f"));
      const { stdout } = await execa("tar", ["--numeric-owner", "-tvf", "-"], { input: tar });
      expect(stdout).toContain("65534/65534");
      expect((await engine.containers.diff(id)).map((change) => `${change.kind} ${change.path}`)).toEqual(["C /tmp", "A /tmp/f"]);
      expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(`${container.root}/containers/${id}/merged`);
      await engine.containers.remove(id);
      expect(containerLeftovers(container, id)).toEqual([]);
    } finally {
      await rm(source, { recursive: true, force: true });
    }
  });
});
