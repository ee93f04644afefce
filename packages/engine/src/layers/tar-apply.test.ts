import { createReadStream } from "node:fs";
import { lstat, mkdir, readFile, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { dumpXattrs } from "./host-tools.js";
import { applyLayerTar } from "./tar-apply.js";
import { buildTar, chunked, describeTree, MTIME, sha256sum } from "./test-support/tar-fixtures.js";

const tempDir = useTempDirs("apply");
const seconds = MTIME.getTime() / 1000;
/** v2 file capability: effective, permitted = cap_net_raw (bit 13). Every byte < 0x80. */
const CAP_NET_RAW = Buffer.from("0100000200200000000000000000000000000000", "hex");

async function fresh(): Promise<{ dir: string; target: string }> {
  const dir = await tempDir();
  const target = join(dir, "layer");
  await mkdir(target);
  return { dir, target };
}

describe("applyLayerTar", () => {
  it("applies every entry type and converts whiteouts to overlay's native form", async () => {
    const { dir, target } = await fresh();
    const tar = await buildTar([
      { name: "etc/", type: "directory", mode: 0o755 },
      { name: "etc/hostname", content: "berth\n", uid: 1000, gid: 1001, pax: { "SCHILY.xattr.user.note": "hello" } },
      { name: "bin/", type: "directory", mode: 0o755 },
      { name: "bin/ping", content: "ELF", mode: 0o4755, pax: { "SCHILY.xattr.security.capability": CAP_NET_RAW.toString("latin1") } },
      { name: "bin/ping-again", type: "link", linkname: "bin/ping" },
      { name: "bin/sh", type: "symlink", linkname: "/bin/busybox", uid: 7, gid: 8 },
      { name: "dev/", type: "directory", mode: 0o755 },
      { name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 },
      { name: "dev/loop0", type: "block-device", devmajor: 7, devminor: 0, mode: 0o660, gid: 6 },
      { name: "run/pipe", type: "fifo", mode: 0o620, uid: 5 },
      { name: "run/pipe-again", type: "link", linkname: "run/pipe" },
      { name: ".wh.removed" },
      { name: "opaque/", type: "directory", mode: 0o750 },
      { name: "opaque/.wh..wh..opq" },
      { name: "opaque/kept", content: "k" },
      { name: ".wh..wh.plnk/", type: "directory" },
      { name: ".wh..wh.plnk/123.456", content: "aufs hard link store" },
      { name: "tmp/", type: "directory", mode: 0o1777 },
      { name: "./", type: "directory", mode: 0o700 },
    ]);
    const file = join(dir, "layer.tar");
    await writeFile(file, tar);
    let reported = 0;
    const result = await applyLayerTar(createReadStream(file), target, { onBytes: (n) => (reported += n) });
    // content as docker sizes it: etc/hostname, bin/ping (its hardlink once), the symlink's target, opaque/kept
    const contentSize = "berth\n".length + "ELF".length + "/bin/busybox".length + "k".length;
    expect(result).toEqual({ diffId: await sha256sum(file), size: tar.length, contentSize });
    expect(reported).toBe(tar.length);

    const xattrs = await dumpXattrs(target);
    const at = (rel: string) => join(target, rel);
    const hostname = await lstat(at("etc/hostname"));
    expect([hostname.mode & 0o7777, hostname.uid, hostname.gid, hostname.mtimeMs / 1000]).toEqual([0o644, 1000, 1001, seconds]);
    expect(await readFile(at("etc/hostname"), "utf8")).toBe("berth\n");
    expect(xattrs.get(at("etc/hostname"))?.get("user.note")?.toString()).toBe("hello");

    const ping = await lstat(at("bin/ping"));
    expect(ping.mode & 0o7777).toBe(0o4755); // chmod after chown keeps setuid
    expect(xattrs.get(at("bin/ping"))?.get("security.capability")).toEqual(CAP_NET_RAW);
    expect((await lstat(at("bin/ping-again"))).ino).toBe(ping.ino);
    expect(ping.nlink).toBe(2);

    const sh = await lstat(at("bin/sh"));
    expect(sh.isSymbolicLink() && [sh.uid, sh.gid, sh.mtimeMs / 1000]).toEqual([7, 8, seconds]);
    expect(await readlink(at("bin/sh"))).toBe("/bin/busybox");

    const devNull = await lstat(at("dev/null"));
    expect(devNull.isCharacterDevice() && [devNull.rdev, devNull.mode & 0o7777]).toEqual([(1 << 8) | 3, 0o666]);
    const loop = await lstat(at("dev/loop0"));
    expect(loop.isBlockDevice() && [loop.rdev, loop.gid, loop.mode & 0o7777]).toEqual([7 << 8, 6, 0o660]);
    const pipe = await lstat(at("run/pipe"));
    expect(pipe.isFIFO() && [pipe.mode & 0o7777, pipe.uid, pipe.mtimeMs / 1000]).toEqual([0o620, 5, seconds]);
    expect((await lstat(at("run/pipe-again"))).ino).toBe(pipe.ino);

    const removed = await lstat(at("removed"));
    expect(removed.isCharacterDevice() && removed.rdev).toBe(0);
    expect(xattrs.get(at("opaque"))?.get("trusted.overlay.opaque")?.toString()).toBe("y");
    expect((await lstat(at("opaque"))).mode & 0o7777).toBe(0o750);
    expect(await readFile(at("opaque/kept"), "utf8")).toBe("k");
    for (const absent of [".wh.removed", "opaque/.wh..wh..opq", ".wh..wh.plnk"]) {
      await expect(lstat(at(absent))).rejects.toMatchObject({ code: "ENOENT" });
    }
    expect((await lstat(at("tmp"))).mode & 0o7777).toBe(0o1777);
    // Directory times are restored after their children were created; "." is skipped.
    for (const d of ["etc", "bin", "dev", "opaque", "tmp"]) expect((await lstat(at(d))).mtimeMs / 1000).toBe(seconds);
    expect((await lstat(target)).mode & 0o7777).toBe(0o755);
  });

  it("applies a GNU tar --xattrs archive into the same tree, with the diff_id of sha256sum", async () => {
    const dir = await tempDir();
    const source = join(dir, "src");
    await mkdir(source);
    const script = `
      set -e; cd "$1"
      mkdir -p usr/bin var/empty 'sp ace/ünï'
      printf 'abc' > usr/bin/tool; chmod 2755 usr/bin/tool; chown 12:34 usr/bin/tool
      setfattr -n user.origin -v gnu usr/bin/tool
      setfattr -n security.capability -v 0x${CAP_NET_RAW.toString("hex")} usr/bin/tool
      ln usr/bin/tool usr/bin/tool2
      ln -s ../../var/empty usr/bin/rel-link
      head -c 300000 /dev/urandom > 'sp ace/ünï/big'
      mkfifo var/fifo; mknod var/tty c 5 0; chmod 620 var/tty
      chmod 700 var/empty; touch -d '2001-02-03 04:05:06' var/empty usr
      long=$(printf 'd%.0s' $(seq 1 120)); mkdir -p "deep/$long/$long"; echo x > "deep/$long/$long/file-with-a-long-name-$long"
    `;
    await execa("sh", ["-c", script, "sh", source]);
    const file = join(dir, "gnu.tar");
    await execa("tar", ["--xattrs", "--xattrs-include=*", "--numeric-owner", "-cf", file, "-C", source, "."]);
    const target = join(dir, "layer");
    await mkdir(target);
    const result = await applyLayerTar(createReadStream(file), target);
    expect(result.diffId).toBe(await sha256sum(file));
    expect(result.size).toBe((await lstat(file)).size); // GNU tar pads to 10 KiB records
    expect(await describeTree(target, { withDirTimes: true })).toEqual(await describeTree(source, { withDirTimes: true }));
  });

  it("accepts gzip, zstd, xz and bzip2 input and hashes the uncompressed bytes", async () => {
    const dir = await tempDir();
    const tar = await buildTar([
      { name: "a/", type: "directory" },
      { name: "a/data", content: Buffer.alloc(200_000, "z") },
      { name: ".wh.b" },
    ]);
    const plain = join(dir, "layer.tar");
    await writeFile(plain, tar);
    const diffId = await sha256sum(plain);
    const reference = join(dir, "reference");
    await mkdir(reference);
    await applyLayerTar(chunked(tar), reference);
    for (const [tool, args] of [["gzip", ["-c"]], ["zstd", ["-c", "-q"]], ["xz", ["-c"]], ["bzip2", ["-c"]]] as const) {
      const compressed = join(dir, `layer.tar.${tool}`);
      await execa("sh", ["-c", `${tool} ${args.join(" ")} "$1" > "$2"`, "sh", plain, compressed]);
      const target = join(dir, tool);
      await mkdir(target);
      expect(await applyLayerTar(createReadStream(compressed), target), tool).toEqual({ diffId, size: tar.length, contentSize: 200_000 });
      expect(await describeTree(target)).toEqual(await describeTree(reference));
    }
  });

  it("follows the layer's own order: same-layer whiteouts, replacements and merges", async () => {
    const { target } = await fresh();
    await applyLayerTar(
      chunked(
        await buildTar([
          { name: ".wh.a" }, // lower "a" deleted, then a new directory: opaque
          { name: "a/", type: "directory" },
          { name: "a/new", content: "1" },
          { name: "b/", type: "directory" }, // a directory of this layer, then a whiteout: opaque
          { name: "b/mine", content: "2" },
          { name: "b/.wh.sub" },
          { name: ".wh.b" },
          { name: "c", content: "file" }, // a file of this layer stays
          { name: ".wh.c" },
          { name: ".wh.d" }, // a whiteout reused as a parent becomes an opaque directory
          { name: "d/x", content: "3" },
          { name: "e", content: "file first" },
          { name: "e/", type: "directory", mode: 0o700 },
          { name: "f/", type: "directory" },
          { name: "f/child", content: "gone" },
          { name: "f", content: "file replaces dir" },
          { name: "g", type: "symlink", linkname: "/nowhere" },
          { name: "g/", type: "directory" },
          { name: "h/", type: "directory", mode: 0o755, uid: 1 },
          { name: "h/", type: "directory", mode: 0o711, uid: 2 },
          { name: "i", content: "old" },
          { name: "i", content: "new" },
        ]),
      ),
      target,
    );
    expect(await describeTree(target)).toEqual([
      `a d 644 0:0 trusted.overlay.opaque=79`,
      `a/new f 644 0:0 size=1 mtime=${seconds}`,
      `b d 644 0:0 trusted.overlay.opaque=79`,
      `b/mine f 644 0:0 size=1 mtime=${seconds}`,
      `b/sub c 644 0:0 rdev=0 mtime=${seconds}`,
      `c f 644 0:0 size=4 mtime=${seconds}`,
      `d d 755 0:0 trusted.overlay.opaque=79`,
      `d/x f 644 0:0 size=1 mtime=${seconds}`,
      `e d 700 0:0`,
      `f f 644 0:0 size=17 mtime=${seconds}`,
      `g d 644 0:0`,
      `h d 711 2:0`,
      `i f 644 0:0 size=3 mtime=${seconds}`,
    ]);
  });

  it("refuses invalid whiteouts and unsupported entries", async () => {
    for (const name of [".wh.", "x/.wh..", ".wh..."]) {
      const { target } = await fresh();
      await expect(applyLayerTar(chunked(await buildTar([{ name }])), target), name).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
    const tar = await buildTar([{ name: "volume-label", content: "" }]);
    tar[156] = "V".charCodeAt(0); // a GNU volume header
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (tar[i] ?? 0);
    tar.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
    const { target } = await fresh();
    await expect(applyLayerTar(chunked(tar), target)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
