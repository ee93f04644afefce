import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { access, mkdtemp, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect } from "vitest";
import type { CgroupLayout } from "../cgroup-driver.js";
import { createFsCgroupHost } from "../cgroup-host.js";
import { monitorsCgroup, type CgroupGroup } from "../cgroup-naming.js";
import { removeRootCgroups } from "../cgroup-remove.js";

export const host = createFsCgroupHost();

/** Privileged tests fail loudly without root, never skip (STYLE.md rule 12). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("the cgroup kernel tests need root");
}

export interface Started {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

/** Pids of one /proc/<pid>/stat: state letter and utime+stime in clock ticks. */
export function procStat(pid: number): { state: string; cpuTicks: number } {
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: fields[0] ?? "?", cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Per-test bookkeeping: a fresh root hash per call, every process started, and an afterEach that
 * kills them and removes every berth-<hash> group made, even when the test failed.
 */
export function useCgroupFixtures(layoutOf: () => CgroupLayout) {
  const hashes: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    const layout = layoutOf();
    for (const hash of hashes.splice(0)) {
      await removeRootCgroups(host, layout, hash);
      for (const parent of monitorsCgroup(layout, hash).parentDirs) {
        await expect(access(parent), `${parent} was left behind`).rejects.toThrow();
      }
    }
  });

  return {
    /** A root hash no other test (or earlier run) uses. */
    newRootHash(): string {
      const hash = randomBytes(6).toString("hex");
      hashes.push(hash);
      return hash;
    },

    /**
     * Starts `sh -c body` as a member of `group`: the shell writes its own pid into each
     * cgroup.procs file, says so on stdout, then execs the body, so nothing of the body runs
     * outside the group. Resolves once the shell has joined every hierarchy.
     */
    async startIn(group: CgroupGroup, body: string, procsFiles = group.dirs.map((dir) => `${dir}/cgroup.procs`)): Promise<Started> {
      const child = spawn("sh", ["-c", 'for f in $CGROUP_PROCS; do echo $$ > "$f" || exit 90; done; echo joined; exec sh -c "$BODY"'], {
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CGROUP_PROCS: procsFiles.join(" "), BODY: body },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
      const joined = await new Promise<boolean>((resolve) => {
        let stdout = "";
        child.stdout?.on("data", (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.startsWith("joined\n")) resolve(true);
        });
        child.on("exit", () => resolve(stdout.startsWith("joined\n")));
      });
      child.stdout?.resume();
      if (!joined || child.pid === undefined) throw new Error(`the process could not join ${group.relativePath}: ${stderr}`);
      return { child, pid: child.pid, exited, stderr: () => stderr };
    },
  };
}

/** Whether the mount at `path` is read-write, from /proc/self/mounts (the last mount there wins). */
function isMountWritable(mountsText: string, path: string): boolean {
  const line = mountsText.split("\n").filter((entry) => entry.split(" ")[1] === path).at(-1);
  return line?.split(" ")[3]?.split(",").includes("rw") ?? false;
}

/**
 * The cgroup2 hierarchy to test the v2 paths on: the host's own mount when it is there and
 * writable, else a private `mount -t cgroup2` on a temp dir (unmounted by `release`). Throws
 * when even that fails: the v2 tests never skip.
 */
export async function acquireUnifiedMount(detected: CgroupLayout): Promise<{ path: string; release(): Promise<void> }> {
  const mountsText = readFileSync("/proc/self/mounts", "utf8");
  const existing = detected.version === 2 ? detected.path : detected.unifiedPath;
  if (existing !== undefined && isMountWritable(mountsText, existing)) return { path: existing, release: async () => {} };
  return mountPrivateCgroup2();
}

/** A private cgroup2 mount on a fresh temp dir (the same single hierarchy, seen from elsewhere). */
export async function mountPrivateCgroup2(): Promise<{ path: string; release(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "berth-cgroup2-"));
  try {
    execFileSync("mount", ["-t", "cgroup2", "none", dir], { stdio: "pipe" });
  } catch (error) {
    await rmdir(dir);
    throw new Error(`cannot mount a private cgroup2 for the v2 kernel tests: ${String(error)}`);
  }
  return {
    path: dir,
    async release() {
      execFileSync("umount", [dir]);
      await rmdir(dir);
    },
  };
}
