import { closeSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { openDirectory, openDirectoryAt, openInTree, resolveInRoot } from "./fd-paths.js";
import { walkTree } from "./tar-diff.js";

// In-root resolution through descriptors: symlinks are followed inside the root, never by the
// host's kernel from a host path, and a directory swapped for a symlink is refused, not followed.

const tempDir = useTempDirs("fd-paths");

function resolved(rootFd: number, path: string, followLast: boolean): string {
  const found = resolveInRoot(rootFd, path, followLast);
  closeSync(found.parentFd);
  return `${found.path}${found.stats === undefined ? " (missing)" : found.stats.isDirectory() && found.path !== "/" ? "/" : ""}`;
}

describe("resolveInRoot", () => {
  it("follows links with chroot rules: absolute targets from the root, .. never above it", async () => {
    const dir = await tempDir();
    const root = join(dir, "root");
    mkdirSync(join(root, "a/b"), { recursive: true });
    writeFileSync(join(dir, "outside"), "host");
    symlinkSync("/a/b", join(root, "abs"));
    symlinkSync("../../../../a", join(root, "a/b/up"));
    symlinkSync(join(dir, "outside"), join(root, "host"));
    symlinkSync("loop", join(root, "loop"));
    const fd = openDirectory(root);
    try {
      expect(resolved(fd, "/abs/", true)).toBe("/a/b/");
      expect(resolved(fd, "/abs", false)).toBe("/abs");
      expect(resolved(fd, "/a/b/up/b/../../..", true)).toBe("/");
      expect(resolved(fd, "/a/b/up", true)).toBe("/a/");
      expect(resolved(fd, "/host", false)).toBe("/host");
      expect(() => resolveInRoot(fd, "/host", true)).toThrow(expect.objectContaining({ code: "ENOENT" })); // re-rooted: not the host file
      expect(() => resolveInRoot(fd, "/host/x", true)).toThrow(expect.objectContaining({ code: "ENOENT" }));
      expect(() => resolveInRoot(fd, "/loop/x", true)).toThrow(expect.objectContaining({ code: "ELOOP" }));
    } finally {
      closeSync(fd);
    }
  });

  it("refuses a directory swapped for a symlink after it was listed, in opens and in walks", async () => {
    const dir = await tempDir();
    const root = join(dir, "root");
    mkdirSync(join(root, "d"), { recursive: true });
    writeFileSync(join(root, "d/f"), "inside");
    mkdirSync(join(dir, "host"));
    writeFileSync(join(dir, "host/f"), "host");
    const fd = openDirectory(root);
    try {
      expect(walkTree(fd).map((node) => node.rel)).toEqual(["d", "d/f"]);
      renameSync(join(root, "d"), join(root, "moved"));
      symlinkSync(join(dir, "host"), join(root, "d"));
      expect(() => openInTree(fd, "d/f", 0)).toThrow(/ENOTDIR|ELOOP/);
      expect(() => openDirectoryAt(fd, "d")).toThrow();
      expect(walkTree(fd).map((node) => `${node.rel}${node.linkname ? ` -> ${node.linkname}` : ""}`)).toEqual([`d -> ${dir}/host`, "moved", "moved/f"]);
    } finally {
      closeSync(fd);
      rmSync(join(dir, "host"), { recursive: true });
    }
  });
});
