import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { access } from "node:fs/promises";
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
