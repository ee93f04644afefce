import { BerthError } from "@berth/core";
import { pollUntil, readIfExists } from "./cgroup-files.js";
import type { CgroupHost } from "./cgroup-host.js";
import { groupDir, type CgroupGroup } from "./cgroup-naming.js";

export const SIGKILL = 9;

/** Pids (host namespace) of the group's processes, from every hierarchy's cgroup.procs; [] once gone. */
export async function listCgroupPids(host: CgroupHost, group: CgroupGroup): Promise<number[]> {
  const pids = new Set<number>();
  for (const dir of group.dirs) {
    const text = await readIfExists(host, `${dir}/cgroup.procs`);
    for (const line of (text ?? "").split("\n")) {
      const pid = Number.parseInt(line, 10);
      if (pid > 0) pids.add(pid);
    }
  }
  return [...pids].sort((a, b) => a - b);
}

/**
 * Signals every process of the group. For SIGKILL it returns only once the group is empty:
 * v2 writes cgroup.kill (race-free against forks); otherwise each listed pid is signalled,
 * with the group frozen meanwhile (v1) so a fork loop cannot outrun the list, until none is left.
 */
export async function killAllInCgroup(host: CgroupHost, group: CgroupGroup, signal: number): Promise<void> {
  if (signal !== SIGKILL) {
    for (const pid of await listCgroupPids(host, group)) host.kill(pid, signal);
    return;
  }
  const dir = groupDir(group, "freezer");
  const killFile = group.layout.version === 2 ? `${group.dirs[0]}/cgroup.kill` : undefined;
  const canCgroupKill = killFile !== undefined && (await host.exists(killFile));
  const freezerFile = group.layout.version === 1 && dir !== undefined ? `${dir}/freezer.state` : undefined;
  const empty = await pollUntil(host, async () => {
    const pids = await listCgroupPids(host, group);
    if (pids.length === 0) return true;
    if (canCgroupKill) {
      await host.writeFile(killFile, "1");
      return false;
    }
    if (freezerFile !== undefined) await host.writeFile(freezerFile, "FROZEN");
    for (const pid of pids) host.kill(pid, SIGKILL);
    if (freezerFile !== undefined) await host.writeFile(freezerFile, "THAWED");
    return false;
  });
  if (!empty) throw new BerthError("UNAVAILABLE", `processes of ${group.relativePath} survived SIGKILL: ${(await listCgroupPids(host, group)).join(" ")}`);
}

