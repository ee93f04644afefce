import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthService } from "@berth/core";
import { resolveRootPaths } from "../config/paths.js";
import { createEngine, type CreateEngineOptions } from "../create-engine.js";

/**
 * A berth root with neighbours: `<sandbox>/root` is BERTH_ROOT, `<sandbox>/outside/` holds canary
 * files. `outsideDigest()` hashes everything in the sandbox except the root, so a test proves a
 * hostile input wrote nothing beside the root; `canaryName` is a unique name that must not appear
 * anywhere (`/`, /tmp, the sandbox) after a tar-slip attempt.
 */
export interface SandboxedRoot {
  dir: string;
  root: string;
  outside: string;
  canaryName: string;
  engine: BerthService;
  reopen(options?: CreateEngineOptions): Promise<BerthService>;
  outsideDigest(): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createSandboxedRoot(options: CreateEngineOptions = {}): Promise<SandboxedRoot> {
  const dir = await mkdtemp(join(tmpdir(), "berth-sandbox-"));
  const root = join(dir, "root");
  const outside = join(dir, "outside");
  await mkdir(join(outside, "etc"), { recursive: true });
  await writeFile(join(outside, "canary"), "canary: untouched\n");
  await writeFile(join(outside, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n", { mode: 0o600 });
  const opened: BerthService[] = [];
  const open = async (extra: CreateEngineOptions = {}) => {
    const engine = await createEngine({ skipBaseImage: true, systemConfigPath: "/nonexistent", env: {}, ...options, ...extra, root });
    opened.push(engine);
    return engine;
  };
  try {
    const engine = await open();
    return {
      dir,
      root,
      outside,
      canaryName: `berth-canary-${randomBytes(6).toString("hex")}`,
      engine,
      reopen: open,
      outsideDigest: () => digestTree(dir, new Set([root])),
      async cleanup() {
        await Promise.all(opened.map((service) => service.close()));
        await rm(dir, { recursive: true, force: true });
        await rm(resolveRootPaths(root).runDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** sha256 over every path under `dir` (minus `skip`) with its type, mode, owner, size, target and content. */
export async function digestTree(dir: string, skip = new Set<string>()): Promise<string> {
  const hash = createHash("sha256");
  const visit = async (path: string, rel: string) => {
    for (const name of (await readdir(path)).sort()) {
      const child = join(path, name);
      if (skip.has(child)) continue;
      const stats = await lstat(child);
      hash.update(`${rel}/${name} ${stats.mode} ${stats.uid}:${stats.gid} ${stats.size} ${stats.mtimeMs}\n`);
      if (stats.isSymbolicLink()) hash.update(await readlink(child));
      else if (stats.isFile()) hash.update(await readFile(child));
      else if (stats.isDirectory()) await visit(child, `${rel}/${name}`);
    }
  };
  await visit(dir, "");
  return hash.digest("hex");
}
