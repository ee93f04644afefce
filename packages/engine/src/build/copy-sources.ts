import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { posix } from "node:path";
import { BerthError, matchPathPattern } from "@berth/core";
import { RootResolver } from "../layers/in-root.js";
import { fileDigest } from "./digest-cache.js";

// ADD/COPY sources: context-relative patterns (Go path.Match globs) resolved to files that stay
// inside the source root and that .dockerignore keeps, and the checksum of their content and
// metadata that goes into the step's cache key (`file:<hex>`, `dir:<hex>`, `multi:<hex>`).

export interface SourceEntry {
  /** Path relative to the source root. */
  rel: string;
  host: string;
  stats: Stats;
}

export interface SourceRoot {
  dir: string;
  isIgnored(rel: string): boolean;
  /** A file's hex sha256, when the root keeps a cache of them (the context dir). */
  digest?: (path: string) => Promise<string>;
}

const GLOB = /[*?[\\]/;

function fail(message: string): BerthError {
  return new BerthError("INVALID_ARGUMENT", message);
}

/** A pattern as a clean root-relative path; one that climbs out of the root is refused. */
function cleanSourcePath(pattern: string): string {
  const cleaned = posix.normalize(`/${pattern}`).slice(1).replace(/\/$/, "");
  if (posix.normalize(pattern).startsWith("../") || posix.normalize(pattern) === "..") {
    throw fail(`forbidden path outside the build context: ${pattern} ()`);
  }
  return cleaned === "." ? "" : cleaned;
}

/** Every entry under `rel` (itself first), .dockerignore'd ones left out; sorted. */
export function walkSource(root: SourceRoot, rel: string): SourceEntry[] {
  const entries: SourceEntry[] = [];
  const visit = (path: string) => {
    const host = path === "" ? root.dir : `${root.dir}/${path}`;
    const stats = lstatSync(host);
    entries.push({ rel: path, host, stats });
    if (!stats.isDirectory()) return;
    for (const name of readdirSync(host).sort()) {
      const child = path === "" ? name : `${path}/${name}`;
      if (!root.isIgnored(child)) visit(child);
    }
  };
  visit(rel);
  return entries;
}

/** The top-level sources a pattern names: itself, or the matches of a glob. */
export function matchSources(root: SourceRoot, pattern: string, instruction: string): SourceEntry[] {
  const rel = cleanSourcePath(pattern);
  if (!GLOB.test(rel)) {
    const host = resolveInRoot(root.dir, rel);
    const stats = host === undefined || root.isIgnored(rel) ? undefined : lstatSync(host, { throwIfNoEntry: false });
    if (stats === undefined) {
      throw fail(`${instruction} failed: file not found in build context or excluded by .dockerignore: stat ${pattern}: file does not exist`);
    }
    return [{ rel, host: host!, stats }];
  }
  const matches = walkSource(root, "").filter((entry) => entry.rel !== "" && matchPathPattern(rel, entry.rel));
  if (matches.length === 0) throw fail(`${instruction} failed: no source files were specified`);
  return matches;
}

/** The host path of `rel` with its parents resolved inside `dir` (symlinks re-rooted), or undefined. */
function resolveInRoot(dir: string, rel: string): string | undefined {
  if (rel === "") return dir;
  try {
    return new RootResolver(dir).resolveParent(rel, false);
  } catch {
    return undefined;
  }
}

/** docker's source checksum kinds: one file, one directory, or several sources. */
export async function checksumSources(root: SourceRoot, sources: SourceEntry[]): Promise<string> {
  const hash = createHash("sha256");
  const digest = root.digest ?? fileDigest;
  for (const source of sources) {
    for (const entry of source.stats.isDirectory() ? walkSource(root, source.rel) : [source]) {
      const { stats } = entry;
      const content = stats.isFile() ? await digest(entry.host) : stats.isSymbolicLink() ? readlinkSync(entry.host) : "";
      hash.update(`${entry.rel}\0${stats.mode}\0${content}\n`);
    }
  }
  const kind = sources.length > 1 ? "multi" : sources[0]!.stats.isDirectory() ? "dir" : "file";
  return `${kind}:${hash.digest("hex")}`;
}
