import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, afterEach, beforeAll } from "vitest";
import { mountPointsUnder } from "../../storage/mountinfo.js";
import { buildHelper, extractBusybox } from "./busybox-container.js";

/** A cgroup in each hierarchy the tests use (v1 controllers and the unified v2 mount). */
export interface TestCgroups {
  dirs: string[];
  procs: string[];
}

const HIERARCHIES = ["memory", "cpu", "pids", "freezer", "unified"];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function killQuietly(pid: number, signal: NodeJS.Signals = "SIGKILL") {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** True while pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function removeCgroup(dir: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      if (attempt >= 250) throw error;
      await sleep(20);
    }
  }
}

/**
 * The busybox rootfs and berth-init for a test file, plus per-test processes, cgroups and temp
 * dirs that afterEach kills and removes (and then checks that no mount is left under a temp dir).
 */
export function useNativeFixtures() {
  const pids = new Set<number>();
  const pidFiles: string[] = [];
  const cgroupDirs: string[] = [];
  const dirs: string[] = [];
  let rootfs = "";
  let helper = "";

  beforeAll(async () => {
    helper = await buildHelper();
    rootfs = await extractBusybox();
  });
  afterAll(async () => {
    if (rootfs) await rm(rootfs, { recursive: true, force: true, maxRetries: 5 });
  });
  afterEach(async () => {
    for (const file of pidFiles.splice(0)) {
      const text = (await readFile(file, "utf8").catch(() => "")).trim();
      if (/^\d+$/.test(text)) pids.add(Number(text));
    }
    for (const dir of cgroupDirs) {
      const text = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
      for (const line of text.split("\n")) if (/^\d+$/.test(line)) pids.add(Number(line));
    }
    for (const pid of pids) killQuietly(pid);
    await waitFor("test processes to die", () => ![...pids].some(isAlive));
    pids.clear();
    for (const dir of cgroupDirs.splice(0).reverse()) await removeCgroup(dir);
    const leftovers = (await Promise.all([rootfs, ...dirs].map((dir) => mountPointsUnder(dir)))).flat();
    for (const mount of leftovers.reverse()) await execa("umount", ["-l", mount]);
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    if (leftovers.length > 0) throw new Error(`mounts leaked into the host: ${leftovers.join(" ")}`);
  });

  return {
    get rootfs() {
      return rootfs;
    },
    get helper() {
      return helper;
    },
    /** Kill this pid after the test (if still alive). */
    track(pid: number) {
      pids.add(pid);
    },
    /** Kill the pid this file names after the test. */
    trackPidFile(file: string) {
      pidFiles.push(file);
    },
    async tempDir(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), "berth-native-"));
      dirs.push(dir);
      return dir;
    },
    async cgroups(label: string): Promise<TestCgroups> {
      const name = `berth-test-${label}-${randomBytes(4).toString("hex")}`;
      const made: TestCgroups = { dirs: [], procs: [] };
      for (const hierarchy of HIERARCHIES) {
        const dir = join("/sys/fs/cgroup", hierarchy, name);
        await mkdir(dir);
        cgroupDirs.push(dir);
        made.dirs.push(dir);
        made.procs.push(join(dir, "cgroup.procs"));
      }
      return made;
    },
  };
}
