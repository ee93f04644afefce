import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { execa } from "execa";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { applyLayerTar } from "./tar-apply.js";
import { writeLayerTarFromUpper } from "./tar-diff.js";
import { chunked, describeTree } from "./test-support/tar-fixtures.js";

const tempDir = useTempDirs("diff");
const CAP = "0x0100000200200000000000000000000000000000";
const LONG = "segment-of-a-rather-long-path-".repeat(4);

/** An upperdir as overlay leaves it: whiteouts are char 0/0, opaque dirs carry the xattr. */
async function makeUpper(dir: string): Promise<string> {
  const upper = join(dir, "upper");
  await mkdir(upper);
  const script = `
    set -e; cd "$1"
    mkdir -p etc usr/bin opaque/sub parent "$2/$2" 'ünï'
    printf cfg > etc/config; chown 1:2 etc/config; chmod 640 etc/config; setfattr -n user.note -v hi etc/config
    printf bin > usr/bin/tool; chmod 4755 usr/bin/tool; setfattr -n security.capability -v ${CAP} usr/bin/tool
    ln usr/bin/tool usr/bin/tool-again
    ln -s ../etc/config usr/bin/config-link
    ln -s "/$2/$2/target" long-link
    mkfifo usr/fifo; mknod usr/null c 1 3; mknod usr/sda b 8 0
    mknod -m 600 gone c 0 0; mknod -m 600 parent/gone-too c 0 0; ln gone shared-whiteout
    setfattr -n trusted.overlay.opaque -v y opaque; echo kept > opaque/sub/kept
    setfattr -n trusted.overlay.origin -v 0x00fb etc
    echo deep > "$2/$2/file"; echo u > 'ünï/ïnside'; chown 3000000:3000001 'ünï/ïnside'
    setfattr -n user.ü -v 0x00ff 'ünï/ïnside'; printf n > "$(printf 'new\nline')"; setfattr -n user.k -v v "$(printf 'new\nline')"
    find . -exec touch -h -d '2020-01-02 03:04:05.75' {} +
  `;
  await execa("sh", ["-c", script, "sh", upper, LONG]);
  return upper;
}

async function diffToBuffer(upper: string): Promise<{ tar: Buffer; diffId: string; size: number }> {
  const chunks: Buffer[] = [];
  const result = await writeLayerTarFromUpper(upper, (chunk) => void chunks.push(Buffer.from(chunk)));
  return { tar: Buffer.concat(chunks), ...result };
}

interface Listed {
  name: string;
  type: string;
  mode: number;
  size: number;
  linkname: string | null;
  uname: string;
  pax: Record<string, string> | null;
}

/** Lists a tar with tar-stream, an independent reader. */
async function list(tar: Buffer): Promise<Listed[]> {
  const entries: Listed[] = [];
  const reader = extract();
  const done = (async () => {
    for await (const entry of reader) {
      const { name, type, mode, size, linkname, uname, pax } = entry.header;
      entries.push({ name, type, mode, size, linkname, uname, pax: pax as Record<string, string> | null });
      entry.resume();
    }
  })();
  reader.end(tar);
  await done;
  return entries;
}

describe("writeLayerTarFromUpper", () => {
  it("converts overlay whiteouts and opaque dirs, keeps xattrs and hard links, in path order", async () => {
    const upper = await makeUpper(await tempDir());
    const { tar, diffId, size } = await diffToBuffer(upper);
    expect(diffId).toBe(`sha256:${createHash("sha256").update(tar).digest("hex")}`);
    expect(size).toBe(tar.length);
    expect(tar.subarray(-1024).every((byte) => byte === 0)).toBe(true);
    const entries = await list(tar);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(entries.map((e) => e.name)).toEqual([
      "etc/",
      "etc/config",
      ".wh.gone",
      "long-link",
      "new\nline",
      "opaque/",
      "opaque/.wh..wh..opq",
      "opaque/sub/",
      "opaque/sub/kept",
      "parent/",
      "parent/.wh.gone-too",
      `${LONG}/`,
      `${LONG}/${LONG}/`,
      `${LONG}/${LONG}/file`,
      ".wh.shared-whiteout",
      "usr/",
      "usr/bin/",
      "usr/bin/config-link",
      "usr/bin/tool",
      "usr/bin/tool-again",
      "usr/fifo",
      "usr/null",
      "usr/sda",
      "ünï/",
      "ünï/ïnside",
    ]);
    expect(byName.get(".wh.gone")).toMatchObject({ type: "file", mode: 0o600, size: 0 });
    expect(byName.get("opaque/.wh..wh..opq")).toMatchObject({ type: "file", size: 0 });
    expect(byName.get("usr/bin/tool-again")).toMatchObject({ type: "link", linkname: "usr/bin/tool", size: 0 });
    expect(byName.get("usr/bin/tool")).toMatchObject({ mode: 0o4755, pax: { "SCHILY.xattr.security.capability": Buffer.from(CAP.slice(2), "hex").toString("latin1") } });
    expect(byName.get("etc/config")?.pax).toEqual({ "SCHILY.xattr.user.note": "hi" });
    expect(byName.get("usr/null")).toMatchObject({ type: "character-device" });
    expect(byName.get("long-link")?.linkname).toBe(`/${LONG}/${LONG}/target`);
    expect(entries.every((e) => e.uname === "")).toBe(true);
    const text = tar.toString("latin1");
    for (const absent of ["trusted.overlay", "atime", "ctime"]) expect(text).not.toContain(absent);
  });

  it("is deterministic, whatever the output", async () => {
    const dir = await tempDir();
    const upper = await makeUpper(dir);
    const first = await diffToBuffer(upper);
    const file = join(dir, "layer.tar");
    const stream = createWriteStream(file);
    const second = await writeLayerTarFromUpper(upper, stream);
    stream.end();
    await finished(stream);
    expect((await readFile(file)).equals(first.tar)).toBe(true);
    expect(second.diffId).toBe(first.diffId);
    // GNU tar reads it without a warning.
    const listing = await execa("tar", ["--xattrs", "-tvf", file]);
    expect(listing.stderr).toBe("");
    expect(listing.stdout.split("\n")).toHaveLength((await list(first.tar)).length);
  });

  it("round-trips: the tar applied back gives the same tree, whose diff is the same tar", async () => {
    const dir = await tempDir();
    const upper = await makeUpper(dir);
    const first = await diffToBuffer(upper);
    const applied = join(dir, "applied");
    await mkdir(applied);
    expect(await applyLayerTar(chunked(first.tar), applied)).toMatchObject({ diffId: first.diffId, size: first.size });
    const withoutOrigin = (lines: string[]) => lines.map((line) => line.replace(/ trusted\.overlay\.origin=[0-9a-f]+$/, ""));
    expect(await describeTree(applied, { withDirTimes: true })).toEqual(withoutOrigin(await describeTree(upper, { withDirTimes: true })));
    const again = await diffToBuffer(applied);
    expect(again.diffId).toBe(first.diffId);
    expect(again.tar.equals(first.tar)).toBe(true);
  });

  it("writes the canonical empty layer for an empty upper dir", async () => {
    const dir = await tempDir();
    await mkdir(join(dir, "upper"));
    const { tar, diffId } = await diffToBuffer(join(dir, "upper"));
    expect(tar.length).toBe(1024);
    expect(diffId).toBe("sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
  });
});
