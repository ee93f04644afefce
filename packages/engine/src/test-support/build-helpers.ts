import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BerthService, BuildOptions } from "@berth/core";
import { afterEach } from "vitest";

// The build tests' helpers: context dirs made from a map of files (removed after each test), and
// builds that collect docker's step output.

/** Makes context dirs of `files` (a `.sh` is executable); they are removed after each test. */
export function useContextDirs(): (files: Record<string, string>) => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (files) => {
    const dir = await mkdtemp(join(tmpdir(), "berth-build-"));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      await mkdir(join(dir, name, ".."), { recursive: true });
      await writeFile(join(dir, name), content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
    }
    return dir;
  };
}

export async function build(engine: BerthService, dir: string, options: Partial<BuildOptions> = {}) {
  let output = "";
  const result = await engine.builds.build({ context: { kind: "dir", path: dir }, onOutput: (text) => void (output += text), ...options });
  return { result, output };
}

export async function imageId(engine: BerthService, dir: string, options: Partial<BuildOptions> = {}): Promise<string> {
  const { result, output } = await build(engine, dir, options);
  if (result.status !== "built") throw new Error(`build failed: ${result.message}\n${output}`);
  return result.imageId;
}
