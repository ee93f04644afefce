import { BerthError } from "@berth/core";
import type { CgroupLayout } from "./cgroup-driver.js";
import { POLL_ATTEMPTS, POLL_INTERVAL_MS } from "./cgroup-files.js";
import { errnoCode, type CgroupHost } from "./cgroup-host.js";
import { SIGKILL, killAllInCgroup } from "./cgroup-procs.js";
import { monitorsCgroup, namedCgroup, type CgroupGroup } from "./cgroup-naming.js";

async function listDirsIfExists(host: CgroupHost, dir: string): Promise<string[]> {
  try {
    return await host.listDirs(dir);
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
}

/** rmdir, retried while the last processes finish exiting (EBUSY); a missing dir is done. */
async function removeDir(host: CgroupHost, dir: string): Promise<void> {
  for (const child of await listDirsIfExists(host, dir)) await removeDir(host, `${dir}/${child}`);
  for (let attempt = 1; ; attempt++) {
    try {
      await host.rmdir(dir);
      return;
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ENOENT") return;
      if (code !== "EBUSY" || attempt >= POLL_ATTEMPTS) {
        throw new BerthError(code === "EBUSY" ? "CONFLICT" : "INTERNAL", `cgroup: cannot remove ${dir}: ${code ?? String(error)}`, {
          cause: error,
          hint: code === "EBUSY" ? "its processes are still running: kill them first" : undefined,
        });
      }
      await host.sleep(POLL_INTERVAL_MS);
    }
  }
}

/** Removes berth-<hash> where it has no children left; busy or missing parents are left alone. */
async function removeParentsIfEmpty(host: CgroupHost, parents: readonly string[]): Promise<void> {
  for (const parent of parents) {
    try {
      await host.rmdir(parent);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== "ENOENT" && code !== "EBUSY" && code !== "ENOTEMPTY") throw error;
    }
  }
}

/**
 * Removes the group's directory in every hierarchy (any nested groups first). Idempotent and
 * tolerant of half-made groups; waits briefly for exiting processes. The berth-<hash> parent
 * goes too once it has no other child (the monitors group usually keeps it).
 */
export async function removeCgroup(host: CgroupHost, group: CgroupGroup): Promise<void> {
  for (const dir of [...group.dirs].reverse()) await removeDir(host, dir);
  await removeParentsIfEmpty(host, group.parentDirs);
}

/**
 * Kills every process in every group of one root (monitors included) and removes all of
 * berth-<hash>: the full reset tests and `system` cleanup use. Throws if anything is left.
 */
export async function removeRootCgroups(host: CgroupHost, layout: CgroupLayout, rootHash: string): Promise<void> {
  const parents = monitorsCgroup(layout, rootHash).parentDirs;
  const names = new Set<string>();
  for (const parent of parents) for (const name of await listDirsIfExists(host, parent)) names.add(name);
  const groups: CgroupGroup[] = [...names].map((name) => namedCgroup(layout, rootHash, name));
  for (const group of groups) await killAllInCgroup(host, group, SIGKILL);
  for (const group of groups) for (const dir of group.dirs) await removeDir(host, dir);
  for (const parent of parents) await removeDir(host, parent);
}
