import { randomBytes } from "node:crypto";
import { lstat, mkdir, readFile, readlink, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { dumpXattrs } from "./host-tools.js";
import { applyLayerTar } from "./tar-apply.js";
import { buildTar, chunked, type FixtureEntry } from "./test-support/tar-fixtures.js";

// A hostile layer must never write, link, chmod, chown or delete outside the target: every
// case asserts whether the entry was refused (BerthError) or re-rooted inside the target, and
// that canaries outside were neither created nor changed.

const tempDir = useTempDirs("safety");

interface Sandbox {
  dir: string;
  target: string;
  /** An existing file outside the target, with known content, mode and link count. */
  existing: string;
  /** A unique name that must not appear anywhere outside the target. */
  canaryName: string;
}

async function sandbox(): Promise<Sandbox> {
  const dir = await tempDir();
  const target = join(dir, "root", "layer");
  await mkdir(target, { recursive: true });
  const existing = join(dir, "existing");
  await writeFile(existing, "original", { mode: 0o640 });
  return { dir, target, existing, canaryName: `canary-${randomBytes(6).toString("hex")}` };
}

async function apply(box: Sandbox, entries: FixtureEntry[]) {
  return applyLayerTar(chunked(await buildTar(entries)), box.target).then(
    () => "applied" as const,
    (error: unknown) => error,
  );
}

async function expectExistingUntouched(box: Sandbox): Promise<void> {
  const stats = await stat(box.existing);
  expect([await readFile(box.existing, "utf8"), stats.mode & 0o7777, stats.nlink, stats.uid]).toEqual([
    "original",
    0o640,
    1,
    0,
  ]);
  expect((await dumpXattrs(box.existing)).size).toBe(0);
}

async function expectAbsent(path: string): Promise<void> {
  await expect(lstat(path)).rejects.toMatchObject({ code: "ENOENT" });
}

describe("applyLayerTar safety", () => {
  it("refuses a tar-slip name (../canary)", async () => {
    const box = await sandbox();
    for (const name of [`../${box.canaryName}`, `a/../../${box.canaryName}`, `./../../${box.canaryName}`]) {
      expect(await apply(box, [{ name, content: "pwned" }]), name).toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    await expectAbsent(join(box.dir, "root", box.canaryName));
    await expectAbsent(join(box.dir, box.canaryName));
  });

  it("re-roots an absolute name inside the target", async () => {
    const box = await sandbox();
    expect(await apply(box, [{ name: `/${box.canaryName}`, content: "inside" }])).toBe("applied");
    expect(await readFile(join(box.target, box.canaryName), "utf8")).toBe("inside");
    await expectAbsent(`/${box.canaryName}`);
  });

  it("resolves hard link targets inside the root and refuses escapes", async () => {
    const box = await sandbox();
    const passwd = await stat("/etc/passwd");
    // /etc/passwd means the layer's own etc/passwd, which does not exist: refused.
    expect(await apply(box, [{ name: "pw", type: "link", linkname: "/etc/passwd" }])).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await apply(box, [{ name: "x", type: "link", linkname: "../../existing" }])).toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await apply(box, [{ name: "y", type: "link", linkname: box.existing }])).toMatchObject({ code: "INVALID_ARGUMENT" });
    // With the layer's own etc/passwd, the link is re-rooted to it.
    expect(
      await apply(box, [
        { name: "etc/passwd", content: "root:x:0:0::/root:/bin/sh\n" },
        { name: "pw2", type: "link", linkname: "/etc/passwd" },
      ]),
    ).toBe("applied");
    expect((await lstat(join(box.target, "pw2"))).ino).toBe((await lstat(join(box.target, "etc/passwd"))).ino);
    expect((await stat("/etc/passwd")).nlink).toBe(passwd.nlink);
    await expectExistingUntouched(box);
  });

  it("re-roots writes through a symlink `etc -> /`", async () => {
    const box = await sandbox();
    const result = await apply(box, [
      { name: "etc", type: "symlink", linkname: "/" },
      { name: `etc/${box.canaryName}`, content: "re-rooted" },
      { name: `etc/tmp/${box.canaryName}`, content: "re-rooted too" },
    ]);
    expect(result).toBe("applied");
    expect(await readFile(join(box.target, box.canaryName), "utf8")).toBe("re-rooted");
    expect(await readFile(join(box.target, "tmp", box.canaryName), "utf8")).toBe("re-rooted too");
    await expectAbsent(`/${box.canaryName}`);
    await expectAbsent(`/tmp/${box.canaryName}`);
  });

  it("keeps chains of `..` symlinks at the root", async () => {
    const box = await sandbox();
    const result = await apply(box, [
      { name: "up", type: "symlink", linkname: ".." },
      { name: "a/", type: "directory" },
      { name: "a/upup", type: "symlink", linkname: "../../../.." },
      { name: `up/up/up/${box.canaryName}`, content: "1" },
      { name: `a/upup/a/upup/${box.canaryName}-2`, content: "2" },
      { name: "abs", type: "symlink", linkname: `${box.dir}` },
      { name: `abs/${box.canaryName}-3`, content: "3" },
    ]);
    expect(result).toBe("applied");
    expect(await readFile(join(box.target, box.canaryName), "utf8")).toBe("1");
    expect(await readFile(join(box.target, `${box.canaryName}-2`), "utf8")).toBe("2");
    // An absolute host path in a symlink is just a path inside the layer.
    expect(await readFile(join(box.target, box.dir, `${box.canaryName}-3`), "utf8")).toBe("3");
    for (const dir of [box.dir, join(box.dir, "root")]) {
      for (const suffix of ["", "-2", "-3"]) await expectAbsent(join(dir, `${box.canaryName}${suffix}`));
    }
  });

  it("replaces a planted final symlink instead of writing, chmodding or chowning through it", async () => {
    const box = await sandbox();
    const result = await apply(box, [
      { name: "f", type: "symlink", linkname: box.existing },
      { name: "f", content: "replaced", mode: 0o777 },
      { name: "d", type: "symlink", linkname: "../../existing" },
      { name: "d/", type: "directory", mode: 0o777, uid: 1234 },
      { name: "p", type: "symlink", linkname: box.existing },
      { name: "p", type: "fifo", mode: 0o666 },
      { name: "s", type: "symlink", linkname: box.existing },
      { name: "s", type: "symlink", linkname: "elsewhere", uid: 99 },
    ]);
    expect(result).toBe("applied");
    expect((await lstat(join(box.target, "f"))).isFile()).toBe(true);
    expect((await lstat(join(box.target, "d"))).isDirectory()).toBe(true);
    expect((await lstat(join(box.target, "p"))).isFIFO()).toBe(true);
    expect(await readlink(join(box.target, "s"))).toBe("elsewhere");
    await expectExistingUntouched(box);
  });

  it("hard-links a planted symlink itself, never the host file it points to", async () => {
    const box = await sandbox();
    expect(
      await apply(box, [
        { name: "s", type: "symlink", linkname: box.existing },
        { name: "h", type: "link", linkname: "s" },
      ]),
    ).toBe("applied");
    expect((await lstat(join(box.target, "h"))).isSymbolicLink()).toBe(true);
    await expectExistingUntouched(box);
  });

  it("keeps whiteouts, opaque markers and xattrs through symlinks inside the root", async () => {
    const box = await sandbox();
    const result = await apply(box, [
      { name: "host", type: "symlink", linkname: box.dir },
      { name: "host/.wh.existing" },
      { name: "parent", type: "symlink", linkname: "../.." },
      { name: "parent/.wh..wh..opq" },
      { name: "x", type: "symlink", linkname: box.existing, pax: { "SCHILY.xattr.trusted.evil": "1" } },
      { name: "host/existing", type: "link", linkname: "x" },
    ]);
    expect(result).toBe("applied");
    expect((await lstat(join(box.target, box.dir, "existing"))).isSymbolicLink()).toBe(true);
    expect((await dumpXattrs(box.target)).get(box.target)?.get("trusted.overlay.opaque")?.toString()).toBe("y");
    expect((await dumpXattrs(join(box.dir, "root"))).get(join(box.dir, "root"))).toBeUndefined();
    await expectExistingUntouched(box);
  });

  it("refuses a hard link through a symlinked parent that leaves nothing to link", async () => {
    const box = await sandbox();
    const result = await apply(box, [
      { name: "etc", type: "symlink", linkname: "/" },
      { name: "h", type: "link", linkname: "etc/../../existing" },
    ]);
    expect(result).toMatchObject({ code: "INVALID_ARGUMENT" });
    await expectExistingUntouched(box);
  });
});
