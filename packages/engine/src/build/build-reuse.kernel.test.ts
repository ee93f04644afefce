import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { readFile, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { build, imageId, useContextDirs } from "../test-support/build-helpers.js";
import { runAttached, useContainerRoots } from "../test-support/container-root.js";
import { saveArchive } from "../test-support/image-fixtures.js";
import { BUILD_OWNER_LABEL } from "./step-container.js";

// What a build reuses instead of redoing: context file digests kept in the root's build cache
// (and dropped when a file changes, even at the same size and mtime), a step's upper dir moved
// into its layer (no copy, the exact tar still given back by save), and RUN steps without the
// bridge when --network none asks for loopback only.

const freshRoot = useContainerRoots();
const contextDir = useContextDirs();

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("build reuse", () => {
  it("takes unchanged context files' digests from the cache and rehashes a file rewritten at the same size and mtime", async () => {
    const { engine, root } = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nCOPY data.txt /data.txt\n", "data.txt": "aaaa\n" });
    const file = join(dir, "data.txt");
    await sleep(1_100); // a file changed within the last second is hashed but not kept (racy)
    const first = await imageId(engine, dir);

    const cacheDir = join(root, "build-cache");
    const [cacheFile] = readdirSync(cacheDir);
    const entries = JSON.parse(await readFile(join(cacheDir, cacheFile!), "utf8")) as Record<string, [string, string]>;
    expect(Object.keys(entries)).toEqual([file]);
    expect(entries[file]![1]).toBe(sha256("aaaa\n"));
    expect(await imageId(engine, dir)).toBe(first);

    // The digest comes from the cache, not from the file: a different one there changes the key.
    await writeFile(join(cacheDir, cacheFile!), JSON.stringify({ [file]: [entries[file]![0], sha256("other\n")] }));
    const fromCache = await build(engine, dir);
    expect(fromCache.output).toMatch(/Step 2\/2 : COPY data.txt \/data.txt\n ---> [0-9a-f]{12}\n/);
    expect(fromCache.result).not.toEqual({ status: "built", imageId: first });

    // Same size, mtime put back: the ctime still moved, so the file is read again.
    const { mtime } = await stat(file);
    await writeFile(file, "bbbb\n");
    await utimes(file, mtime, mtime);
    const changed = await imageId(engine, dir);
    expect(changed).not.toBe(first);
    expect((await runAttached(engine, { image: changed, cmd: ["cat", "/data.txt"] })).stdout).toBe("bbbb\n");
  }, 120_000);

  it("moves a step's upper dir into its layer: a split record beside it, no tar blob, and save gives back the exact tar", async () => {
    const { engine, root } = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nRUN echo hi > /hi && mkdir /d && ln -s ../hi /d/link && rm /bin/true\n" });
    const id = await imageId(engine, dir, { tags: ["localhost/moved:1"] });
    const diffIds = ((await engine.images.inspect(id)) as { RootFS: { Layers: string[] } }).RootFS.Layers;
    const diffHex = diffIds.at(-1)!.slice("sha256:".length);
    const layerDirs = readdirSync(join(root, "layers")).filter((name) => existsSync(join(root, "layers", name, "diff", "hi")));
    expect(layerDirs).toHaveLength(1);
    expect(existsSync(join(root, "layers", layerDirs[0]!, "tar-split"))).toBe(true);
    expect(existsSync(join(root, "blobs", "sha256", diffHex))).toBe(false);

    const run = await runAttached(engine, { image: id, cmd: ["sh", "-c", "cat /d/link; ls /bin/true"] });
    expect(run.stdout).toBe("hi\n");
    expect(run.stderr).toContain("/bin/true");
    // save reassembles each layer's tar and fails unless it hashes to its diff_id.
    const archive = await saveArchive(engine, ["localhost/moved:1"]);
    expect(archive.includes(Buffer.from(`${diffHex}`))).toBe(true);
  }, 120_000);

  it("keeps a step's container whole with --rm=false (its upper dir is copied, not moved)", async () => {
    const { engine, root } = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nRUN echo kept > /kept\n" });
    const id = await imageId(engine, dir, { remove: false });
    const [container] = await engine.containers.list({ all: true, filters: { label: [BUILD_OWNER_LABEL] } });
    expect(existsSync(join(root, "containers", container!.id, "upper", "kept"))).toBe(true);
    expect((await runAttached(engine, { image: id, cmd: ["cat", "/kept"] })).stdout).toBe("kept\n");
  }, 120_000);

  it("gives RUN steps the bridge by default and loopback only with --network none", async () => {
    const { engine } = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nRUN cat /proc/net/dev\n" });
    const interfaces = (output: string) => [...output.matchAll(/^\s*(\w+):/gm)].map((match) => match[1]).sort();
    expect(interfaces((await build(engine, dir, { network: "none" })).output)).toEqual(["lo"]);
    expect(interfaces((await build(engine, dir, { noCache: true })).output)).toEqual(["eth0", "lo"]);
  }, 120_000);
});
