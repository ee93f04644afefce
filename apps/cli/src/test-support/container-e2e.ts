import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";

// The CLI e2e files' shared setup: the real bin/berth, a fresh BERTH_ROOT per file (the
// busybox base image loads into it from /usr/local/share/berth/busybox.tar), real namespaces,
// mounts and cgroups, so these need root.

export const bin = resolve(import.meta.dirname, "../../bin/berth");
export const baseImageArchive = "/usr/local/share/berth/busybox.tar";
const builtMain = resolve(import.meta.dirname, "../../dist/main.cjs");

export interface BerthResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface E2eRoot {
  readonly workDir: string;
  readonly root: string;
  /** The environment a berth process of this root runs with, plus `extra`. */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  berth(args: string[], options?: { input?: string; env?: Record<string, string> }): BerthResult;
}

/** A work dir and root made before the file's tests and removed after them, with every container left in it. */
export function useE2eRoot(prefix: string): E2eRoot {
  let workDir: string | undefined;
  let root: string | undefined;
  const e2e: E2eRoot = {
    get workDir() {
      if (workDir === undefined) throw new Error("the e2e root is made in beforeAll");
      return workDir;
    },
    get root() {
      if (root === undefined) throw new Error("the e2e root is made in beforeAll");
      return root;
    },
    env: (extra = {}) => ({ PATH: process.env["PATH"], HOME: e2e.workDir, BERTH_ROOT: e2e.root, ...extra }),
    berth(args, options = {}) {
      const result = spawnSync(bin, args, { encoding: "utf8", input: options.input ?? "", cwd: e2e.workDir, env: e2e.env(options.env), timeout: 60_000 });
      if (result.error !== undefined) throw result.error;
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
  beforeAll(() => {
    if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build apps/cli before its e2e tests`);
    if (!existsSync(baseImageArchive)) throw new Error(`${baseImageArchive} is missing: the container e2e tests run busybox from it`);
    if (process.getuid?.() !== 0) throw new Error("the container e2e tests need root (namespaces, mounts, cgroups)");
    workDir = mkdtempSync(join(tmpdir(), prefix));
    root = join(workDir, "root");
  });
  afterAll(() => {
    if (root !== undefined) removeE2eRoot(e2e.workDir, (args) => e2e.berth(args));
  });
  return e2e;
}

/** The root's runtime dir, /run/berth/<hash>, as `berth info` names it. */
export function runDirOf(berth: (args: string[]) => BerthResult): string | undefined {
  return /run_dir:\s+(\/run\/berth\/[0-9a-f]+)/.exec(berth(["info"]).stdout)?.[1];
}

/**
 * After a file's tests: every container and user network of its root removed, then the work dir
 * (the root in it) and the root's runtime dir under /run/berth, which `berth info` names.
 */
export function removeE2eRoot(workDir: string, berth: (args: string[]) => BerthResult): void {
  const runDir = runDirOf(berth);
  const ids = berth(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter((id) => id !== "");
  if (ids.length > 0) berth(["rm", "-f", ...ids]);
  berth(["network", "prune", "-f"]);
  rmSync(workDir, { recursive: true, force: true });
  if (runDir !== undefined) rmSync(runDir, { recursive: true, force: true });
}
