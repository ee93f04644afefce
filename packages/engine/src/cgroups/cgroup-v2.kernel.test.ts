import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeCgroupLayout, type CgroupV2Layout } from "./cgroup-driver.js";
import { freezeCgroup, isCgroupFrozen, thawCgroup } from "./cgroup-freezer.js";
import { DEFAULT_DEVICE_RULES, type CgroupLimits } from "@berth/core";
import { joinFiles, monitorsCgroup, type CgroupGroup } from "./cgroup-naming.js";
import { performCgroupPlan, planCgroupCreate, planMonitorsCgroupCreate } from "./cgroup-plan.js";
import { SIGKILL, killAllInCgroup, listCgroupPids } from "./cgroup-procs.js";
import { removeCgroup, removeRootCgroups } from "./cgroup-remove.js";
import { readCgroupStats } from "./cgroup-stats.js";
import { acquireUnifiedMount, host, mountPrivateCgroup2, procStat, requireRoot, sleep, useCgroupFixtures } from "./test-support/kernel-fixtures.js";

// Real-kernel tests of the v2 paths (procs, freeze, kill, removal) on the unified hierarchy,
// even where the controllers are bound to v1 and it offers none of cpu, memory and pids: then
// the v2 limits are tested at the plan level only (cgroup-plan.test.ts), and here their refusal.

const BUSY = "while :; do :; done";
let layout: CgroupV2Layout;
let release = async () => {};
beforeAll(async () => {
  requireRoot();
  const unified = await acquireUnifiedMount(await probeCgroupLayout(host));
  release = unified.release;
  const controllers = readFileSync(`${unified.path}/cgroup.controllers`, "utf8").split(/\s+/).filter(Boolean);
  layout = { version: 2, path: unified.path, controllers };
});
afterAll(() => release());
const fixtures = useCgroupFixtures(() => layout);

async function createContainer(limits: CgroupLimits = { devices: [...DEFAULT_DEVICE_RULES] }, id = "c0ffee"): Promise<{ hash: string; group: CgroupGroup }> {
  const hash = fixtures.newRootHash();
  const plan = planCgroupCreate(layout, hash, id, limits);
  expect(plan.needsNodevMounts).toBe(true);
  await performCgroupPlan(plan, host);
  return { hash, group: plan.group };
}

const events = (group: CgroupGroup) => readFileSync(`${group.dirs[0]}/cgroup.events`, "utf8");

describe("cgroup v2 on the real kernel (unified hierarchy)", () => {
  it("makes berth-<hash>/<id>, moves a process in through cgroup.procs, and counts its CPU time", async () => {
    const { hash, group } = await createContainer();
    expect(group.dirs).toEqual([`${layout.path}/berth-${hash}/c0ffee`]);
    expect(joinFiles(layout, hash, "c0ffee")).toEqual([`${layout.path}/berth-${hash}/c0ffee/cgroup.procs`]);
    const busy = await fixtures.startIn(group, BUSY);
    expect(await listCgroupPids(host, group)).toEqual([busy.pid]);
    expect(readFileSync(`/proc/${busy.pid}/cgroup`, "utf8")).toMatch(new RegExp(`^0::/berth-${hash}/c0ffee$`, "m"));
    expect(events(group)).toMatch(/^populated 1$/m);
    await expect.poll(async () => (await readCgroupStats(host, group)).cpuUsageNs).toBeGreaterThan(0);
  });

  it("freezes through cgroup.freeze, waits for frozen 1 in cgroup.events, and thaws", async () => {
    const { group } = await createContainer();
    const busy = await fixtures.startIn(group, BUSY);
    await freezeCgroup(host, group);
    expect(events(group)).toMatch(/^frozen 1$/m);
    expect(await isCgroupFrozen(host, group)).toBe(true);
    const frozen = procStat(busy.pid);
    expect(["D", "S", "T"]).toContain(frozen.state);
    const usage = (await readCgroupStats(host, group)).cpuUsageNs;
    await sleep(300);
    expect(procStat(busy.pid).cpuTicks).toBe(frozen.cpuTicks);
    expect((await readCgroupStats(host, group)).cpuUsageNs).toBe(usage);

    await thawCgroup(host, group);
    expect(events(group)).toMatch(/^frozen 0$/m);
    expect(await isCgroupFrozen(host, group)).toBe(false);
    await sleep(300);
    expect(procStat(busy.pid).cpuTicks).toBeGreaterThan(frozen.cpuTicks);
  });

  it("empties the group through cgroup.kill, a process tree and a frozen group alike", async () => {
    const { group } = await createContainer();
    expect(existsSync(`${group.dirs[0]}/cgroup.kill`), "this kernel has cgroup.kill (5.14+)").toBe(true);
    const tree = await fixtures.startIn(group, `for i in 1 2 3 4 5; do sleep 300 & done; ${BUSY}`);
    await expect.poll(async () => (await listCgroupPids(host, group)).length).toBe(6);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await listCgroupPids(host, group)).toEqual([]);
    expect(events(group)).toMatch(/^populated 0$/m);
    expect(await tree.exited).toEqual({ code: null, signal: "SIGKILL" });

    const paused = await fixtures.startIn(group, BUSY);
    await freezeCgroup(host, group);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await paused.exited).toEqual({ code: null, signal: "SIGKILL" });
    await thawCgroup(host, group);

    const sleeper = await fixtures.startIn(group, "exec sleep 300");
    await killAllInCgroup(host, group, 15);
    expect(await sleeper.exited).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("removes the group by rmdir, the parent once empty, and again without error", async () => {
    const { group } = await createContainer();
    const started = await fixtures.startIn(group, "exec sleep 300");
    process.kill(started.pid, "SIGKILL");
    await removeCgroup(host, group);
    expect(existsSync(group.dirs[0] ?? "")).toBe(false);
    expect(existsSync(group.parentDirs[0] ?? "")).toBe(false);
    await removeCgroup(host, group);
  });

  it("keeps the monitors out of the container's freeze and kill", async () => {
    const { hash, group } = await createContainer();
    await performCgroupPlan(planMonitorsCgroupCreate(layout, hash), host);
    const monitors = monitorsCgroup(layout, hash);
    const monitor = await fixtures.startIn(monitors, BUSY);
    const container = await fixtures.startIn(group, BUSY);
    await freezeCgroup(host, group);
    expect(readFileSync(`${monitors.dirs[0]}/cgroup.events`, "utf8")).toMatch(/^frozen 0$/m);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await container.exited).toMatchObject({ signal: "SIGKILL" });
    expect(monitor.child.exitCode).toBeNull();
    await removeCgroup(host, group);
    expect(existsSync(group.parentDirs[0] ?? ""), "the parent stays while the monitors group is in it").toBe(true);
  });

  it("enforces the limits where the root offers cpu, memory and pids, and refuses them where it does not", async () => {
    const limits: CgroupLimits = { memory: 32 * 1024 * 1024, pidsLimit: 20, cpuQuota: 50_000, cpuPeriod: 100_000, cpuShares: 1024, devices: [...DEFAULT_DEVICE_RULES] };
    const offered = ["cpu", "memory", "pids"].every((name) => layout.controllers?.includes(name));
    if (!offered) {
      expect(() => planCgroupCreate(layout, "0123456789ab", "c0ffee", limits)).toThrow(expect.objectContaining({ code: "UNAVAILABLE" }));
      return;
    }
    const { group } = await createContainer(limits);
    const read = (name: string) => readFileSync(`${group.dirs[0]}/${name}`, "utf8").trim();
    expect([read("memory.max"), read("pids.max"), read("cpu.max"), read("cpu.weight")]).toEqual(["33554432", "20", "50000 100000", "39"]);
  });

  it("works the same through a private cgroup2 mount (the fallback when the host's is missing or read-only)", async () => {
    const privateMount = await mountPrivateCgroup2();
    const hash = fixtures.newRootHash();
    const privateLayout: CgroupV2Layout = { version: 2, path: privateMount.path, controllers: [] };
    try {
      const plan = planCgroupCreate(privateLayout, hash, "c0ffee", { devices: [...DEFAULT_DEVICE_RULES] });
      await performCgroupPlan(plan, host);
      expect(existsSync(`${layout.path}/berth-${hash}/c0ffee`), "one hierarchy, two mount points").toBe(true);
      const started = await fixtures.startIn(plan.group, "exec sleep 300");
      expect(await listCgroupPids(host, plan.group)).toEqual([started.pid]);
      await killAllInCgroup(host, plan.group, SIGKILL);
      await removeRootCgroups(host, privateLayout, hash);
      expect(existsSync(`${layout.path}/berth-${hash}`)).toBe(false);
    } finally {
      await removeRootCgroups(host, privateLayout, hash);
      await privateMount.release();
    }
  });
});
