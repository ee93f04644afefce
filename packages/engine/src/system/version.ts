import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { VersionInfo } from "@berth/core";
import { goArchitecture } from "../images/platform.js";

/** packages/engine, found from this file whether it runs from src/ (tests) or dist/. */
const engineRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * berth's version: the package version, the checkout's commit (read from .git at call time, so a
 * cached build never shows a stale one), node and the platform in docker's words. Cheap: the CLI's
 * `version` imports only this module (`@berth/engine/version`), never the database.
 */
export function engineVersion(): VersionInfo {
  const manifest = JSON.parse(readFileSync(join(engineRoot, "package.json"), "utf8")) as { version: string };
  return {
    version: manifest.version,
    gitCommit: readGitCommit(resolve(engineRoot, "../..")) ?? "unknown",
    node: process.version,
    os: process.platform,
    arch: goArchitecture(),
  };
}

/** The short commit of HEAD in a checkout at `root` (plain repo or worktree), if there is one. */
export function readGitCommit(root: string): string | undefined {
  try {
    const dotGit = join(root, ".git");
    if (!existsSync(dotGit)) return undefined;
    // In a worktree or submodule, .git is a file naming the real git dir.
    const gitDir = statSync(dotGit).isDirectory()
      ? dotGit
      : resolve(root, readFileSync(dotGit, "utf8").replace(/^gitdir: /, "").trim());
    return resolveHead(gitDir)?.slice(0, 7);
  } catch {
    return undefined;
  }
}

function resolveHead(gitDir: string): string | undefined {
  const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (ref === undefined) return head;
  // A worktree keeps refs in the main repository's dir, named by `commondir`.
  const commonDir = existsSync(join(gitDir, "commondir"))
    ? resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim())
    : gitDir;
  for (const dir of [gitDir, commonDir]) {
    const loose = join(dir, ref);
    if (existsSync(loose)) return readFileSync(loose, "utf8").trim();
  }
  const packed = readFileSync(join(commonDir, "packed-refs"), "utf8");
  return packed.split("\n").find((line) => line.endsWith(` ${ref}`))?.split(" ")[0];
}
