import { BerthError } from "@berth/core";
import { keyedValue, pollUntil, readIfExists } from "./cgroup-files.js";
import type { CgroupHost } from "./cgroup-host.js";
import { groupDir, type CgroupGroup } from "./cgroup-naming.js";

/** The file that asks for a state, the values for frozen and thawed, and how to read back. */
function freezerOf(group: CgroupGroup) {
  const dir = groupDir(group, "freezer");
  if (dir === undefined) {
    throw new BerthError("UNAVAILABLE", "cannot pause: the freezer cgroup controller is not available", {
      hint: "mount the v1 freezer hierarchy or use cgroup v2",
    });
  }
  if (group.layout.version === 1) {
    const file = `${dir}/freezer.state`;
    // FREEZING is transient: only FROZEN or THAWED read back means the kernel is done.
    return { file, frozen: "FROZEN", thawed: "THAWED", read: async (host: CgroupHost) => (await readIfExists(host, file))?.trim() };
  }
  const events = `${dir}/cgroup.events`;
  return {
    file: `${dir}/cgroup.freeze`,
    frozen: "1",
    thawed: "0",
    read: async (host: CgroupHost) => keyedValue(await readIfExists(host, events), "frozen"),
  };
}

async function setFrozen(host: CgroupHost, group: CgroupGroup, frozen: boolean): Promise<void> {
  const freezer = freezerOf(group);
  const [want, undo] = frozen ? [freezer.frozen, freezer.thawed] : [freezer.thawed, freezer.frozen];
  await host.writeFile(freezer.file, want);
  let polls = 0;
  const settled = await pollUntil(host, async () => {
    // A task in uninterruptible sleep can hold v1's freeze back; asking again retries it.
    if (++polls % 50 === 0) await host.writeFile(freezer.file, want);
    return (await freezer.read(host)) === want;
  });
  if (settled) return;
  if (frozen) await host.writeFile(freezer.file, undo);
  throw new BerthError("UNAVAILABLE", `cannot ${frozen ? "pause" : "unpause"} ${group.relativePath}: the freezer did not settle`);
}

/** Freezes every process of the group and returns once the kernel reports it frozen. */
export function freezeCgroup(host: CgroupHost, group: CgroupGroup): Promise<void> {
  return setFrozen(host, group, true);
}

/** Thaws the group and returns once the kernel reports it thawed. */
export function thawCgroup(host: CgroupHost, group: CgroupGroup): Promise<void> {
  return setFrozen(host, group, false);
}

/** True when the kernel reports the group frozen (a missing group is not). */
export async function isCgroupFrozen(host: CgroupHost, group: CgroupGroup): Promise<boolean> {
  const freezer = freezerOf(group);
  return (await freezer.read(host)) === freezer.frozen;
}
