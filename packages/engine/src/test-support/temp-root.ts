import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthService } from "@berth/core";
import { resolveRootPaths } from "../config/paths.js";
import { createEngine, type CreateEngineOptions } from "../create-engine.js";

export interface TempRoot {
  root: string;
  engine: BerthService;
  /** Open another engine on the same root (a second CLI process, in effect). */
  reopen(options?: CreateEngineOptions): Promise<BerthService>;
  cleanup(): Promise<void>;
}

/** A fresh BERTH_ROOT under /tmp with an engine on it; cleanup removes the root and its run dir. */
export async function createTempRoot(options: CreateEngineOptions = {}): Promise<TempRoot> {
  const root = await mkdtemp(join(tmpdir(), "berth-test-"));
  const opened: BerthService[] = [];
  const open = async (extra: CreateEngineOptions = {}) => {
    const engine = await createEngine({ skipBaseImage: true, systemConfigPath: "/nonexistent", env: {}, ...options, ...extra, root });
    opened.push(engine);
    return engine;
  };
  const engine = await open();
  return {
    root,
    engine,
    reopen: open,
    async cleanup() {
      await Promise.all(opened.map((service) => service.close()));
      await rm(root, { recursive: true, force: true });
      await rm(resolveRootPaths(root).runDir, { recursive: true, force: true });
    },
  };
}
