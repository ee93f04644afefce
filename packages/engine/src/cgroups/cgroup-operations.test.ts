import { DEFAULT_DEVICE_RULES } from "@berth/core";
import { describe, expect, it } from "vitest";
import { detectCgroupLayout, type CgroupLayout } from "./cgroup-driver.js";
import { freezeCgroup, isCgroupFrozen, thawCgroup } from "./cgroup-freezer.js";
import { containerCgroup, monitorsCgroup } from "./cgroup-naming.js";
import { performCgroupPlan, planCgroupCreate, planMonitorsCgroupCreate } from "./cgroup-plan.js";
import { killAllInCgroup, listCgroupPids } from "./cgroup-procs.js";
import { removeCgroup, removeRootCgroups } from "./cgroup-remove.js";
import { readCgroupStats, readOomKilled } from "./cgroup-stats.js";
import { V1_SPLIT_WITH_UNIFIED } from "./test-support/mount-samples.js";
import { createRecordingCgroupHost, type RecordingCgroupHost } from "./test-support/recording-cgroup-host.js";

const HASH = "0123456789ab";
const V1 = detectCgroupLayout(V1_SPLIT_WITH_UNIFIED);
const V2: CgroupLayout = { version: 2, path: "/u", controllers: ["cpu", "memory", "pids"] };
const v1Dir = (name: string, id = "c0ffee") => `/sys/fs/cgroup/${name}/berth-${HASH}/${id}`;
const V2_DIR = `/u/berth-${HASH}/c0ffee`;

/** A fake host with the container's (and the monitors') group already made. */
async function madeHost(layout: CgroupLayout): Promise<RecordingCgroupHost> {
  const roots = layout.version === 2 ? [layout.path] : ["memory", "cpu", "cpuacct", "pids", "freezer", "devices", "systemd", "unified"].map((n) => `/sys/fs/cgroup/${n}`);
  const host = createRecordingCgroupHost({ dirs: roots });
  await performCgroupPlan(planCgroupCreate(layout, HASH, "c0ffee", { devices: [...DEFAULT_DEVICE_RULES] }), host);
  await performCgroupPlan(planMonitorsCgroupCreate(layout, HASH), host);
  host.calls.length = 0;
  return host;
}

/** Simulated processes: every hierarchy's cgroup.procs shows `pids`. */
function setPids(host: RecordingCgroupHost, dirs: readonly string[], pids: number[]) {
  for (const dir of dirs) host.files.set(`${dir}/cgroup.procs`, pids.map((pid) => `${pid}\n`).join(""));
}

describe("freeze and thaw", () => {
  it("v1: writes FROZEN and polls freezer.state through the transient FREEZING", async () => {
    const host = await madeHost(V1);
    const state = `${v1Dir("freezer")}/freezer.state`;
    let polls = 0;
    host.hooks.afterWrite = (path, value) => {
      if (path === state) host.files.set(state, value === "FROZEN" ? "FREEZING\n" : "THAWED\n");
    };
    host.hooks.afterSleep = () => {
      if (++polls === 3) host.files.set(state, "FROZEN\n");
    };
    const group = containerCgroup(V1, HASH, "c0ffee");
    await freezeCgroup(host, group);
    expect(host.calls).toEqual([
      { call: "writeFile", path: state, value: "FROZEN" },
      ...Array.from({ length: 3 }, () => [{ call: "readFile", path: state }, { call: "sleep", ms: 10 }]).flat(),
      { call: "readFile", path: state },
    ]);
    expect(await isCgroupFrozen(host, group)).toBe(true);
    await thawCgroup(host, group);
    expect(host.callsOf("writeFile").at(-1)).toEqual({ call: "writeFile", path: state, value: "THAWED" });
    expect(await isCgroupFrozen(host, group)).toBe(false);
  });

  it("v1: thaws back and fails when the freeze never settles, asking again every 50 polls", async () => {
    const host = await madeHost(V1);
    const state = `${v1Dir("freezer")}/freezer.state`;
    host.hooks.afterWrite = (path, value) => {
      if (path === state) host.files.set(state, value === "FROZEN" ? "FREEZING\n" : "THAWED\n");
    };
    await expect(freezeCgroup(host, containerCgroup(V1, HASH, "c0ffee"))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const writes = host.callsOf("writeFile").map((call) => ("value" in call ? call.value : ""));
    expect(writes.filter((value) => value === "FROZEN")).toHaveLength(11);
    expect(writes.at(-1)).toBe("THAWED");
  });

  it("v2: writes cgroup.freeze and waits for frozen 1 in cgroup.events", async () => {
    const host = await madeHost(V2);
    host.files.set(`${V2_DIR}/cgroup.events`, "populated 1\nfrozen 0\n");
    host.hooks.afterWrite = (path, value) => {
      if (path === `${V2_DIR}/cgroup.freeze`) host.hooks.afterSleep = () => host.files.set(`${V2_DIR}/cgroup.events`, `populated 1\nfrozen ${value}\n`);
    };
    const group = containerCgroup(V2, HASH, "c0ffee");
    await freezeCgroup(host, group);
    expect(host.calls).toEqual([
      { call: "writeFile", path: `${V2_DIR}/cgroup.freeze`, value: "1" },
      { call: "readFile", path: `${V2_DIR}/cgroup.events` },
      { call: "sleep", ms: 10 },
      { call: "readFile", path: `${V2_DIR}/cgroup.events` },
    ]);
    expect(await isCgroupFrozen(host, group)).toBe(true);
    await thawCgroup(host, group);
    expect(await isCgroupFrozen(host, group)).toBe(false);
  });

  it("refuses to pause without a freezer", async () => {
    const layout: CgroupLayout = { version: 1, controllers: { memory: "/m" } };
    await expect(freezeCgroup(createRecordingCgroupHost(), containerCgroup(layout, HASH, "c0ffee"))).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});

describe("listCgroupPids and killAllInCgroup", () => {
  it("lists the union of every hierarchy's cgroup.procs, and nothing once the group is gone", async () => {
    const host = await madeHost(V1);
    const group = containerCgroup(V1, HASH, "c0ffee");
    setPids(host, group.dirs, [42, 7]);
    host.files.set(`${v1Dir("memory")}/cgroup.procs`, "42\n7\n99\n");
    expect(await listCgroupPids(host, group)).toEqual([7, 42, 99]);
    expect(await listCgroupPids(host, containerCgroup(V1, HASH, "gone"))).toEqual([]);
  });

  it("v1 SIGKILL: freezes, kills every pid, thaws, and repeats until cgroup.procs is empty", async () => {
    const host = await madeHost(V1);
    const group = containerCgroup(V1, HASH, "c0ffee");
    setPids(host, group.dirs, [10, 11]);
    let round = 0;
    host.hooks.afterSleep = () => setPids(host, group.dirs, ++round === 1 ? [12] : []); // 12 was forked meanwhile
    await killAllInCgroup(host, group, 9);
    const state = `${v1Dir("freezer")}/freezer.state`;
    expect(host.callsOf("writeFile", "kill")).toEqual([
      { call: "writeFile", path: state, value: "FROZEN" },
      { call: "kill", pid: 10, signal: 9 },
      { call: "kill", pid: 11, signal: 9 },
      { call: "writeFile", path: state, value: "THAWED" },
      { call: "writeFile", path: state, value: "FROZEN" },
      { call: "kill", pid: 12, signal: 9 },
      { call: "writeFile", path: state, value: "THAWED" },
    ]);
  });

  it("v2 SIGKILL: writes cgroup.kill and waits for the group to empty", async () => {
    const host = await madeHost(V2);
    host.files.set(`${V2_DIR}/cgroup.kill`, "");
    const group = containerCgroup(V2, HASH, "c0ffee");
    setPids(host, group.dirs, [10, 11]);
    host.hooks.afterWrite = (path) => {
      if (path.endsWith("cgroup.kill")) host.hooks.afterSleep = () => setPids(host, group.dirs, []);
    };
    await killAllInCgroup(host, group, 9);
    expect(host.callsOf("writeFile", "kill")).toEqual([{ call: "writeFile", path: `${V2_DIR}/cgroup.kill`, value: "1" }]);
  });

  it("v2 SIGKILL without cgroup.kill (kernels before 5.14) signals each pid", async () => {
    const host = await madeHost(V2);
    const group = containerCgroup(V2, HASH, "c0ffee");
    setPids(host, group.dirs, [10]);
    host.hooks.afterKill = () => setPids(host, group.dirs, []);
    await killAllInCgroup(host, group, 9);
    expect(host.callsOf("writeFile", "kill")).toEqual([{ call: "kill", pid: 10, signal: 9 }]);
  });

  it("sends other signals once to every pid, without freezing", async () => {
    const host = await madeHost(V1);
    const group = containerCgroup(V1, HASH, "c0ffee");
    setPids(host, group.dirs, [10, 11]);
    await killAllInCgroup(host, group, 15);
    expect(host.callsOf("writeFile", "kill", "sleep")).toEqual([{ call: "kill", pid: 10, signal: 15 }, { call: "kill", pid: 11, signal: 15 }]);
  });

  it("fails loudly when processes survive SIGKILL", async () => {
    const host = await madeHost(V2);
    const group = containerCgroup(V2, HASH, "c0ffee");
    setPids(host, group.dirs, [10]);
    await expect(killAllInCgroup(host, group, 9)).rejects.toMatchObject({ code: "UNAVAILABLE" });
  });
});

describe("readCgroupStats and readOomKilled", () => {
  it("v1: cpuacct, memory minus total_inactive_file, limits with unlimited as null", async () => {
    const host = await madeHost(V1);
    host.files.set(`${v1Dir("cpuacct")}/cpuacct.usage`, "123456789\n");
    host.files.set(`${v1Dir("memory")}/memory.usage_in_bytes`, "10485760\n");
    host.files.set(`${v1Dir("memory")}/memory.stat`, "cache 4096\ninactive_file 8192\ntotal_cache 4096\ntotal_inactive_file 1048576\n");
    host.files.set(`${v1Dir("memory")}/memory.limit_in_bytes`, "9223372036854771712\n");
    host.files.set(`${v1Dir("pids")}/pids.current`, "3\n");
    host.files.set(`${v1Dir("pids")}/pids.max`, "20\n");
    expect(await readCgroupStats(host, containerCgroup(V1, HASH, "c0ffee"))).toEqual({
      cpuUsageNs: 123456789, memoryUsage: 9437184, memoryLimit: null, pids: 3, pidsLimit: 20, blockRead: 0, blockWrite: 0,
    });
  });

  it("v2: cpu.stat usage_usec, memory.current minus inactive_file, max as null", async () => {
    const host = await madeHost(V2);
    host.files.set(`${V2_DIR}/cpu.stat`, "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
    host.files.set(`${V2_DIR}/memory.current`, "5000000\n");
    host.files.set(`${V2_DIR}/memory.stat`, "anon 100\nfile 4000\ninactive_file 1000000\n");
    host.files.set(`${V2_DIR}/memory.max`, "33554432\n");
    host.files.set(`${V2_DIR}/pids.current`, "1\n");
    host.files.set(`${V2_DIR}/pids.max`, "max\n");
    host.files.set(`${V2_DIR}/io.stat`, "8:0 rbytes=4096 wbytes=1000 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=10 wbytes=20 rios=1 wios=1\n");
    expect(await readCgroupStats(host, containerCgroup(V2, HASH, "c0ffee"))).toEqual({
      cpuUsageNs: 2500000, memoryUsage: 4000000, memoryLimit: 33554432, pids: 1, pidsLimit: null, blockRead: 4106, blockWrite: 1020,
    });
  });

  it("reads missing controllers as zero and unlimited", async () => {
    const host = await madeHost(V2);
    expect(await readCgroupStats(host, containerCgroup(V2, HASH, "c0ffee"))).toEqual({ cpuUsageNs: 0, memoryUsage: 0, memoryLimit: null, pids: 0, pidsLimit: null, blockRead: 0, blockWrite: 0 });
  });

  it("reads oom_kill from v1 memory.oom_control, else memory.failcnt; and from v2 memory.events", async () => {
    const v1 = await madeHost(V1);
    const group = containerCgroup(V1, HASH, "c0ffee");
    v1.files.set(`${v1Dir("memory")}/memory.oom_control`, "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    v1.files.set(`${v1Dir("memory")}/memory.failcnt`, "17\n");
    expect(await readOomKilled(v1, group)).toBe(false);
    v1.files.set(`${v1Dir("memory")}/memory.oom_control`, "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    expect(await readOomKilled(v1, group)).toBe(true);
    v1.files.set(`${v1Dir("memory")}/memory.oom_control`, "oom_kill_disable 0\nunder_oom 0\n");
    expect(await readOomKilled(v1, group)).toBe(true);
    const v2 = await madeHost(V2);
    v2.files.set(`${V2_DIR}/memory.events`, "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n");
    expect(await readOomKilled(v2, containerCgroup(V2, HASH, "c0ffee"))).toBe(true);
    expect(await readOomKilled(v2, containerCgroup(V2, HASH, "other"))).toBe(false);
  });
});

describe("removeCgroup and removeRootCgroups", () => {
  it("removes the group in every hierarchy, retrying while busy, and keeps a parent that has other children", async () => {
    const host = await madeHost(V1);
    const group = containerCgroup(V1, HASH, "c0ffee");
    host.busy.set(v1Dir("memory"), 2);
    await removeCgroup(host, group);
    for (const dir of group.dirs) expect(host.dirs.has(dir)).toBe(false);
    for (const parent of group.parentDirs) expect(host.dirs.has(parent)).toBe(true);
    expect(host.callsOf("rmdir", "sleep").filter((call) => "path" in call && call.path === v1Dir("memory"))).toHaveLength(3);
    expect(host.callsOf("sleep")).toHaveLength(2);
  });

  it("is idempotent, removes nested groups first and the parent once it is empty", async () => {
    const host = await madeHost(V2);
    host.dirs.add(`${V2_DIR}/nested`);
    const group = containerCgroup(V2, HASH, "c0ffee");
    await removeCgroup(host, group);
    await removeCgroup(host, group);
    expect(host.dirs.has(V2_DIR)).toBe(false);
    await removeCgroup(host, monitorsCgroup(V2, HASH));
    expect([...host.dirs]).toEqual(["/u"]);
  });

  it("gives up with CONFLICT when processes never leave", async () => {
    const host = await madeHost(V2);
    host.busy.set(V2_DIR, Number.POSITIVE_INFINITY);
    await expect(removeCgroup(host, containerCgroup(V2, HASH, "c0ffee"))).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("removeRootCgroups kills every group's processes, then removes every group and the parent", async () => {
    const host = await madeHost(V1);
    await performCgroupPlan(planCgroupCreate(V1, HASH, "beef", { devices: [...DEFAULT_DEVICE_RULES] }), host);
    const groups = [containerCgroup(V1, HASH, "c0ffee"), containerCgroup(V1, HASH, "beef"), monitorsCgroup(V1, HASH)];
    groups.forEach((group, i) => setPids(host, group.dirs, [100 + i]));
    host.hooks.afterKill = (pid) => {
      for (const group of groups) if (host.files.get(`${group.dirs[0]}/cgroup.procs`) === `${pid}\n`) setPids(host, group.dirs, []);
    };
    await removeRootCgroups(host, V1, HASH);
    expect(host.callsOf("kill").map((call) => ("pid" in call ? call.pid : 0)).sort()).toEqual([100, 101, 102]);
    expect([...host.dirs].filter((dir) => dir.includes("berth-"))).toEqual([]);
    await removeRootCgroups(host, V1, HASH);
  });
});
