import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_DEVICE_RULES, type CgroupLimits } from "@berth/core";
import { beforeAll, describe, expect, it } from "vitest";
import { probeCgroupLayout, type CgroupV1Layout } from "./cgroup-driver.js";
import { freezeCgroup, isCgroupFrozen, thawCgroup } from "./cgroup-freezer.js";
import { containerCgroup, monitorsCgroup, type CgroupGroup } from "./cgroup-naming.js";
import { performCgroupPlan, planCgroupCreate, planMonitorsCgroupCreate } from "./cgroup-plan.js";
import { SIGKILL, killAllInCgroup, listCgroupPids } from "./cgroup-procs.js";
import { removeCgroup } from "./cgroup-remove.js";
import { readCgroupStats, readOomKilled } from "./cgroup-stats.js";
import { host, procStat, requireRoot, sleep, useCgroupFixtures } from "./test-support/kernel-fixtures.js";

// Real-kernel tests of the v1 paths: this host binds every controller to a v1 hierarchy.

const MiB = 1024 * 1024;
/** Limits without devices get core's DEFAULT_DEVICE_RULES, as every start plan carries them. */
type Limits = Omit<CgroupLimits, "devices"> & Partial<Pick<CgroupLimits, "devices">>;
const LIMITS: Limits = { memory: 32 * MiB, memorySwap: 32 * MiB, pidsLimit: 20, cpuQuota: 50_000, cpuPeriod: 100_000, cpuShares: 512 };
const BUSY = "while :; do :; done";

let layout: CgroupV1Layout;
beforeAll(async () => {
  requireRoot();
  const probed = await probeCgroupLayout(host);
  if (probed.version !== 1) throw new Error(`the v1 kernel tests need controllers bound to v1 hierarchies; this host is ${JSON.stringify(probed)}`);
  for (const name of ["memory", "cpu", "cpuacct", "pids", "freezer", "devices"]) {
    if (probed.controllers[name] === undefined) throw new Error(`the v1 kernel tests need the ${name} hierarchy`);
  }
  layout = probed;
});
const fixtures = useCgroupFixtures(() => layout);

async function createContainer(limits: Limits = LIMITS, id = "c0ffee"): Promise<{ hash: string; group: CgroupGroup }> {
  const hash = fixtures.newRootHash();
  const plan = planCgroupCreate(layout, hash, id, { devices: [...DEFAULT_DEVICE_RULES], ...limits });
  await performCgroupPlan(plan, host);
  return { hash, group: plan.group };
}

const file = (group: CgroupGroup, controller: string, name: string) => readFileSync(`${group.controllerDirs[controller]}/${name}`, "utf8").trim();

describe("cgroup v1 on the real kernel", () => {
  it("writes the limits before any process, and a process that joins lands in every hierarchy", async () => {
    const { hash, group } = await createContainer();
    expect(file(group, "memory", "memory.limit_in_bytes")).toBe(String(32 * MiB));
    if (existsSync(`${group.controllerDirs.memory}/memory.memsw.limit_in_bytes`)) expect(file(group, "memory", "memory.memsw.limit_in_bytes")).toBe(String(32 * MiB));
    expect(file(group, "cpu", "cpu.cfs_quota_us")).toBe("50000");
    expect(file(group, "cpu", "cpu.cfs_period_us")).toBe("100000");
    expect(file(group, "cpu", "cpu.shares")).toBe("512");
    expect(file(group, "pids", "pids.max")).toBe("20");
    expect(file(group, "devices", "devices.list").split("\n")).toEqual([
      "c 1:5 rwm", "c 1:3 rwm", "c 1:9 rwm", "c 1:8 rwm", "c 5:0 rwm", "c 5:1 rwm", "c *:* m", "b *:* m", "c 1:7 rwm",
      "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
    ]);

    const started = await fixtures.startIn(group, "exec sleep 300");
    expect(await listCgroupPids(host, group)).toEqual([started.pid]);
    const membership = readFileSync(`/proc/${started.pid}/cgroup`, "utf8");
    for (const name of ["memory", "cpu", "cpuacct", "pids", "freezer", "devices", "name=systemd"]) {
      expect(membership).toMatch(new RegExp(`^\\d+:${name}:/berth-${hash}/c0ffee$`, "m"));
    }
    if (layout.unifiedPath !== undefined) expect(membership).toMatch(new RegExp(`^0::/berth-${hash}/c0ffee$`, "m"));
    const stats = await readCgroupStats(host, group);
    expect(stats).toMatchObject({ memoryLimit: 32 * MiB, pids: 1, pidsLimit: 20 });
    expect(stats.memoryUsage).toBeGreaterThan(0);

    await killAllInCgroup(host, group, SIGKILL);
    expect(await listCgroupPids(host, group)).toEqual([]);
    expect((await started.exited).signal).toBe("SIGKILL");
    await removeCgroup(host, group);
    for (const dir of [...group.dirs, ...group.parentDirs]) expect(existsSync(dir), dir).toBe(false);
    await removeCgroup(host, group);
  });

  it("OOM-kills a memory hog over 32 MiB and readOomKilled says so", async () => {
    const { group } = await createContainer();
    expect(await readOomKilled(host, group)).toBe(false);
    const hog = await fixtures.startIn(group, "head -c 100M /dev/zero | tail");
    expect(await hog.exited).toEqual({ code: 137, signal: null });
    expect(await readOomKilled(host, group)).toBe(true);
  });

  it("stops a fork loop at the pids limit", async () => {
    const { group } = await createContainer();
    const loop = await fixtures.startIn(group, 'i=0; while [ $i -lt 40 ]; do sleep 300 & i=$((i+1)); done; wait');
    const { code } = await loop.exited;
    expect(code).not.toBe(0);
    expect(loop.stderr()).toMatch(/fork/i);
    expect(file(group, "pids", "pids.current")).toBe("19");
    expect(Number(file(group, "pids", "pids.events").split(" ")[1])).toBeGreaterThan(0);
    expect((await readCgroupStats(host, group)).pids).toBe(19);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await listCgroupPids(host, group)).toEqual([]);
  });

  it("throttles a busy loop to its CFS quota", async () => {
    // A tenth of a CPU rather than the half above: on a loaded host a lone busy loop may get less
    // than half a CPU anyway, but always more than a tenth.
    const { group } = await createContainer({ cpuQuota: 10_000, cpuPeriod: 100_000 });
    await fixtures.startIn(group, BUSY);
    await sleep(200);
    const before = (await readCgroupStats(host, group)).cpuUsageNs;
    const startedAt = process.hrtime.bigint();
    await sleep(1000);
    const used = (await readCgroupStats(host, group)).cpuUsageNs - before;
    const wall = Number(process.hrtime.bigint() - startedAt);
    expect(used / wall).toBeGreaterThan(0);
    expect(used / wall).toBeLessThan(0.15);
    expect(Number(/nr_throttled (\d+)/.exec(file(group, "cpu", "cpu.stat"))?.[1])).toBeGreaterThan(0);
  });

  it("freezes and thaws: a frozen process neither runs nor uses CPU", async () => {
    const { group } = await createContainer({});
    const busy = await fixtures.startIn(group, BUSY);
    await freezeCgroup(host, group);
    expect(await isCgroupFrozen(host, group)).toBe(true);
    expect(file(group, "freezer", "freezer.state")).toBe("FROZEN");
    const frozen = procStat(busy.pid);
    expect(["D", "S", "T"]).toContain(frozen.state);
    const usage = (await readCgroupStats(host, group)).cpuUsageNs;
    await sleep(300);
    expect(procStat(busy.pid).cpuTicks).toBe(frozen.cpuTicks);
    expect((await readCgroupStats(host, group)).cpuUsageNs).toBe(usage);

    await thawCgroup(host, group);
    expect(await isCgroupFrozen(host, group)).toBe(false);
    await sleep(300);
    expect(procStat(busy.pid).cpuTicks).toBeGreaterThan(frozen.cpuTicks);
  });

  it("kills a process tree with SIGKILL and a TERM-able one with SIGTERM, leaving cgroup.procs empty", async () => {
    const { group } = await createContainer({});
    await fixtures.startIn(group, "for i in 1 2 3 4 5; do sleep 300 & done; " + BUSY);
    await expect.poll(async () => (await listCgroupPids(host, group)).length).toBe(6);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await listCgroupPids(host, group)).toEqual([]);

    const sleeper = await fixtures.startIn(group, "exec sleep 300");
    await killAllInCgroup(host, group, 15);
    expect(await sleeper.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(await listCgroupPids(host, group)).toEqual([]);
  });

  it("kills every process of a paused container, and leaves it thawed", async () => {
    const { group } = await createContainer({});
    const busy = await fixtures.startIn(group, BUSY);
    await freezeCgroup(host, group);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await busy.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(await isCgroupFrozen(host, group)).toBe(false);
  });

  it("keeps the monitors out of the container's freeze and kill", async () => {
    const { hash, group } = await createContainer({});
    const monitors = (await performCgroupPlan(planMonitorsCgroupCreate(layout, hash), host), monitorsCgroup(layout, hash));
    const monitor = await fixtures.startIn(monitors, BUSY);
    const container = await fixtures.startIn(group, BUSY);
    expect(await listCgroupPids(host, monitors)).toEqual([monitor.pid]);

    await freezeCgroup(host, group);
    const before = procStat(monitor.pid).cpuTicks;
    await sleep(300);
    expect(procStat(monitor.pid).cpuTicks).toBeGreaterThan(before);
    await killAllInCgroup(host, group, SIGKILL);
    expect(await container.exited).toMatchObject({ signal: "SIGKILL" });
    expect(monitor.child.exitCode).toBeNull();
    expect(procStat(monitor.pid).state).not.toBe("Z");

    await removeCgroup(host, group);
    for (const dir of group.dirs) expect(existsSync(dir)).toBe(false);
    for (const dir of group.parentDirs) expect(existsSync(dir), "the parent stays while the monitors group is in it").toBe(true);
  });

  it("removes a group while its last process is still exiting", async () => {
    const { group } = await createContainer({});
    const started = await fixtures.startIn(group, "exec sleep 300");
    process.kill(started.pid, "SIGKILL");
    await removeCgroup(host, group);
    for (const dir of group.dirs) expect(existsSync(dir)).toBe(false);
  });

  it("lets the container open its usual devices but no other, even as root", async () => {
    const { group } = await createContainer({});
    const dir = await mkdtemp(join(tmpdir(), "berth-cgroup-dev-"));
    try {
      execFileSync("mknod", [join(dir, "kmsg"), "c", "1", "11"]);
      execFileSync("mknod", [join(dir, "fuse"), "c", "10", "229"]);
      execFileSync("sh", ["-c", `: < ${dir}/kmsg`]); // the host itself may open it
      const probe = await fixtures.startIn(
        group,
        `for d in null zero full random urandom; do : < /dev/$d || exit 3; done
         : < ${dir}/fuse 2>/dev/null && exit 4
         : < ${dir}/kmsg`,
      );
      const { code } = await probe.exited;
      expect(code, probe.stderr()).toBe(2);
      expect(probe.stderr()).toMatch(/Operation not permitted/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("takes core's default device rules as the engine passes them", async () => {
    const { group } = await createContainer({ devices: [...DEFAULT_DEVICE_RULES] });
    const list = file(group, "devices", "devices.list").split("\n");
    expect(list).toContain("c 1:3 rwm");
    expect(list).not.toContain("a *:* rwm");
    const canMknod = DEFAULT_DEVICE_RULES.some((rule) => rule.allow && rule.type === "c" && rule.major === "*" && rule.minor === "*" && rule.access.includes("m"));
    const dir = await mkdtemp(join(tmpdir(), "berth-cgroup-dev-"));
    try {
      execFileSync("mknod", [join(dir, "kmsg"), "c", "1", "11"]);
      const probe = await fixtures.startIn(
        group,
        `: < /dev/null || exit 3
         mknod ${dir}/made c 1 11 2>/dev/null; [ $? = ${canMknod ? 0 : 1} ] || exit 6
         : < ${dir}/kmsg`,
      );
      expect((await probe.exited).code, probe.stderr()).toBe(2);
      expect(probe.stderr()).toMatch(/Operation not permitted/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
