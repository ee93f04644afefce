import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { engineVersion, readGitCommit } from "./version.js";

const commit = "0123456789abcdef0123456789abcdef01234567";
const made: string[] = [];
function checkout(): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-version-"));
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("readGitCommit", () => {
  it("reads a loose ref, a packed ref and a detached HEAD", () => {
    const root = checkout();
    mkdirSync(join(root, ".git/refs/heads"), { recursive: true });
    writeFileSync(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    writeFileSync(join(root, ".git/refs/heads/main"), `${commit}\n`);
    expect(readGitCommit(root)).toBe("0123456");
    rmSync(join(root, ".git/refs/heads/main"));
    writeFileSync(join(root, ".git/packed-refs"), `# pack-refs\n${commit} refs/heads/main\n`);
    expect(readGitCommit(root)).toBe("0123456");
    writeFileSync(join(root, ".git/HEAD"), `${commit}\n`);
    expect(readGitCommit(root)).toBe("0123456");
  });

  it("follows a worktree's .git file to the common dir", () => {
    const root = checkout();
    const main = join(root, "main");
    const tree = join(root, "tree");
    mkdirSync(join(main, ".git/worktrees/tree"), { recursive: true });
    mkdirSync(join(main, ".git/refs/heads"), { recursive: true });
    mkdirSync(tree);
    writeFileSync(join(tree, ".git"), `gitdir: ${join(main, ".git/worktrees/tree")}\n`);
    writeFileSync(join(main, ".git/worktrees/tree/HEAD"), "ref: refs/heads/feature\n");
    writeFileSync(join(main, ".git/worktrees/tree/commondir"), "../..\n");
    writeFileSync(join(main, ".git/refs/heads/feature"), `${commit}\n`);
    expect(readGitCommit(tree)).toBe("0123456");
  });

  it("gives undefined outside a checkout", () => {
    expect(readGitCommit(checkout())).toBeUndefined();
  });
});

describe("engineVersion", () => {
  it("names the platform in docker's words", () => {
    const info = engineVersion();
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.node).toBe(process.version);
    expect(info.os).toBe(process.platform);
    if (process.arch === "x64") expect(info.arch).toBe("amd64");
  });
});
