import { DEFAULT_DEVICE_RULES, PRIVILEGED_DEVICE_RULES, type CgroupLimits } from "@berth/core";
import { describe, expect, it } from "vitest";
import { detectCgroupLayout, type CgroupLayout } from "./cgroup-driver.js";
import { cpuSharesToWeight } from "./cgroup-limits.js";
import { joinFiles, monitorJoinFiles } from "./cgroup-naming.js";
import { performCgroupPlan, planCgroupCreate, planMonitorsCgroupCreate, type CgroupOp } from "./cgroup-plan.js";
import { V1_HYBRID_SYSTEMD, V1_SPLIT_WITH_UNIFIED, V2_UNIFIED } from "./test-support/mount-samples.js";
import { createRecordingCgroupHost } from "./test-support/recording-cgroup-host.js";

const HASH = "0123456789ab";
const V1 = detectCgroupLayout(V1_SPLIT_WITH_UNIFIED);
const V2: CgroupLayout = { version: 2, path: "/sys/fs/cgroup", controllers: ["cpuset", "cpu", "io", "memory", "pids"] };
const DEVICES = [...DEFAULT_DEVICE_RULES];
const NONE: CgroupLimits = { devices: DEVICES };
const FULL: CgroupLimits = { memory: 33554432, memorySwap: 67108864, cpuQuota: 50000, cpuPeriod: 100000, cpuShares: 512, pidsLimit: 20, devices: DEVICES };

const mkdir = (path: string): CgroupOp => ({ op: "mkdir", path });
const write = (path: string, value: string): CgroupOp => ({ op: "write", path, value });
/** core's DEFAULT_DEVICE_RULES as written: docker's spec, then what runc appends. */
const DEVICE_LINES: Array<[string, string]> = [
  ["deny", "a *:* rwm"], ["allow", "c 1:5 rwm"], ["allow", "c 1:3 rwm"], ["allow", "c 1:9 rwm"], ["allow", "c 1:8 rwm"],
  ["allow", "c 5:0 rwm"], ["allow", "c 5:1 rwm"], ["deny", "c 10:229 rwm"], ["allow", "c *:* m"], ["allow", "b *:* m"],
  ["allow", "c 1:3 rwm"], ["allow", "c 1:8 rwm"], ["allow", "c 1:7 rwm"], ["allow", "c 5:0 rwm"], ["allow", "c 1:5 rwm"],
  ["allow", "c 1:9 rwm"], ["allow", "c 136:* rwm"], ["allow", "c 5:2 rwm"], ["allow", "c 10:200 rwm"],
];
const V1_HIERARCHIES = ["memory", "cpu", "cpuacct", "pids", "freezer", "devices", "systemd", "unified"];

describe("planCgroupCreate on v1", () => {
  it("makes berth-<hash>/<id> in every hierarchy, then writes every limit and docker's device rules", () => {
    const plan = planCgroupCreate(V1, HASH, "c0ffee", FULL);
    const g = (name: string) => `/sys/fs/cgroup/${name}/berth-${HASH}/c0ffee`;
    expect(plan.ops).toEqual([
      ...V1_HIERARCHIES.flatMap((name) => [mkdir(`/sys/fs/cgroup/${name}/berth-${HASH}`), mkdir(g(name))]),
      write(`${g("memory")}/memory.limit_in_bytes`, "33554432"),
      { op: "write", path: `${g("memory")}/memory.memsw.limit_in_bytes`, value: "67108864", ifExists: true },
      write(`${g("cpu")}/cpu.cfs_period_us`, "100000"),
      write(`${g("cpu")}/cpu.cfs_quota_us`, "50000"),
      write(`${g("cpu")}/cpu.shares`, "512"),
      write(`${g("pids")}/pids.max`, "20"),
      ...DEVICE_LINES.map(([kind, line]) => write(`${g("devices")}/devices.${kind}`, line)),
    ]);
    expect(plan.needsNodevMounts).toBe(false);
    expect(plan.group.relativePath).toBe(`berth-${HASH}/c0ffee`);
  });

  it("makes one directory per co-mounted hierarchy", () => {
    const plan = planCgroupCreate(detectCgroupLayout(V1_HYBRID_SYSTEMD), HASH, "c0ffee", { cpuQuota: 25000, devices: DEVICES });
    const mkdirs = plan.ops.filter((op) => op.op === "mkdir" && op.path.endsWith("/c0ffee")).map((op) => op.path);
    expect(mkdirs).toEqual(["memory", "cpu,cpuacct", "pids", "freezer", "devices", "systemd", "unified"].map((name) => `/sys/fs/cgroup/${name}/berth-${HASH}/c0ffee`));
    expect(plan.ops).toContainEqual(write(`/sys/fs/cgroup/cpu,cpuacct/berth-${HASH}/c0ffee/cpu.cfs_quota_us`, "25000"));
    expect(plan.ops).toContainEqual(write(`/sys/fs/cgroup/cpu,cpuacct/berth-${HASH}/c0ffee/cpu.cfs_period_us`, "100000"));
  });

  it("writes only the device rules without limits", () => {
    const writes = planCgroupCreate(V1, HASH, "c0ffee", NONE).ops.filter((op) => op.op === "write");
    expect(writes).toEqual(DEVICE_LINES.map(([kind, line]) => write(`/sys/fs/cgroup/devices/berth-${HASH}/c0ffee/devices.${kind}`, line)));
  });

  it("writes the caller's complete device rules, in order, and allow-all for --privileged", () => {
    const lines = (limits: CgroupLimits) =>
      planCgroupCreate(V1, HASH, "c0ffee", limits).ops.filter((op) => op.op === "write").map((op) => `${op.path.split("/").at(-1)} ${op.op === "write" ? op.value : ""}`);
    expect(lines({
      devices: [
        { allow: false, type: "a", major: "*", minor: "*", access: "rwm" },
        { allow: true, type: "c", major: "*", minor: "*", access: "m" },
        { allow: true, type: "c", major: 10, minor: 200, access: "rw" },
        { allow: true, type: "b", major: 8, minor: "*", access: "rwm" },
      ],
    })).toEqual(["devices.deny a *:* rwm", "devices.allow c *:* m", "devices.allow c 10:200 rw", "devices.allow b 8:* rwm"]);
    expect(lines({ devices: [...PRIVILEGED_DEVICE_RULES] })).toEqual(["devices.allow a *:* rwm"]);
    expect(lines({ devices: [] })).toEqual([]);
  });

  it("gives memory+swap docker's defaults: twice the memory when unset, -1 for unlimited", () => {
    const swapOf = (limits: Omit<CgroupLimits, "devices">) =>
      planCgroupCreate(V1, HASH, "c0ffee", { ...limits, devices: DEVICES }).ops.find((op) => op.path.endsWith("memsw.limit_in_bytes"));
    expect(swapOf({ memory: 1000000 })).toMatchObject({ value: "2000000", ifExists: true });
    expect(swapOf({ memory: 1000000, memorySwap: -1 })).toMatchObject({ value: "-1" });
    expect(swapOf({ memory: 1000000, memorySwap: 1000000 })).toMatchObject({ value: "1000000" });
    expect(swapOf({})).toBeUndefined();
  });

  it("treats unlimited values as nothing to write", () => {
    const plan = planCgroupCreate(V1, HASH, "c0ffee", { cpuQuota: -1, cpuShares: 0, pidsLimit: -1, devices: DEVICES });
    expect(plan.ops.filter((op) => op.op === "write" && !op.path.includes("/devices."))).toEqual([]);
  });

  it("needs nodev mounts without a devices hierarchy, and refuses limits whose controller is missing", () => {
    const layout: CgroupLayout = { version: 1, controllers: { memory: "/m", cpu: "/c", freezer: "/f" } };
    expect(planCgroupCreate(layout, HASH, "c0ffee", { memory: 1 << 24, devices: DEVICES }).needsNodevMounts).toBe(true);
    expect(() => planCgroupCreate(layout, HASH, "c0ffee", { pidsLimit: 5, devices: DEVICES })).toThrow(expect.objectContaining({ code: "UNAVAILABLE" }));
  });

  // The limits docker refuses (memory-swap without memory, below memory, too few CPUs…) are
  // refused once, before any plan, by core's checkResources (core/src/container/start-plan.test.ts).
  it("refuses bad names", () => {
    const bad: Array<() => unknown> = [
      () => planCgroupCreate(V1, "0123", "c0ffee", NONE),
      () => planCgroupCreate(V1, HASH, "../x", NONE),
      () => planCgroupCreate(V1, HASH, "monitors", NONE),
    ];
    for (const call of bad) expect(call).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

describe("planCgroupCreate on v2", () => {
  const g = `/sys/fs/cgroup/berth-${HASH}/c0ffee`;

  it("enables the controllers down to the group, then writes v2's forms of the limits", () => {
    const plan = planCgroupCreate(V2, HASH, "c0ffee", FULL);
    expect(plan.ops).toEqual([
      mkdir(`/sys/fs/cgroup/berth-${HASH}`),
      write("/sys/fs/cgroup/cgroup.subtree_control", "+cpu +memory +pids"),
      write(`/sys/fs/cgroup/berth-${HASH}/cgroup.subtree_control`, "+cpu +memory +pids"),
      mkdir(g),
      write(`${g}/memory.max`, "33554432"),
      { op: "write", path: `${g}/memory.swap.max`, value: "33554432", ifExists: true },
      write(`${g}/cpu.max`, "50000 100000"),
      write(`${g}/cpu.weight`, "20"),
      write(`${g}/pids.max`, "20"),
    ]);
    expect(plan.needsNodevMounts).toBe(true);
  });

  it("converts shares to weight with docker's formula", () => {
    expect([2, 512, 1024, 262144, 1, 1_000_000].map(cpuSharesToWeight)).toEqual([1, 20, 39, 10000, 1, 10000]);
  });

  it("spells unlimited parts as max", () => {
    const plan = planCgroupCreate(V2, HASH, "c0ffee", { memory: 1 << 24, memorySwap: -1, cpuPeriod: 50000, devices: DEVICES });
    expect(plan.ops).toContainEqual({ op: "write", path: `${g}/memory.swap.max`, value: "max", ifExists: true });
    expect(plan.ops).toContainEqual(write(`${g}/cpu.max`, "max 50000"));
    const defaults = planCgroupCreate(V2, HASH, "c0ffee", { memory: 1 << 24, devices: DEVICES });
    expect(defaults.ops).toContainEqual({ op: "write", path: `${g}/memory.swap.max`, value: String(1 << 24), ifExists: true });
  });

  it("enables only the controllers the root offers and refuses limits it cannot enforce", () => {
    const layout: CgroupLayout = { version: 2, path: "/u", controllers: ["cpu", "io"] };
    expect(planCgroupCreate(layout, HASH, "c0ffee", { cpuShares: 1024, devices: DEVICES }).ops).toContainEqual(write("/u/cgroup.subtree_control", "+cpu"));
    expect(() => planCgroupCreate(layout, HASH, "c0ffee", { memory: 1 << 24, devices: DEVICES })).toThrow(expect.objectContaining({ code: "UNAVAILABLE" }));
    const empty = planCgroupCreate({ version: 2, path: "/u", controllers: [] }, HASH, "c0ffee", NONE);
    expect(empty.ops).toEqual([mkdir(`/u/berth-${HASH}`), mkdir(`/u/berth-${HASH}/c0ffee`)]);
  });

  it("assumes cpu, memory and pids when the root's controllers are unknown", () => {
    const plan = planCgroupCreate(detectCgroupLayout(V2_UNIFIED), HASH, "c0ffee", { pidsLimit: 3, devices: DEVICES });
    expect(plan.ops[1]).toEqual(write("/sys/fs/cgroup/cgroup.subtree_control", "+cpu +memory +pids"));
  });
});

describe("monitors group and join files", () => {
  it("puts monitors beside the containers, under the same parent", () => {
    expect(planMonitorsCgroupCreate(V1, HASH).ops).toEqual(
      V1_HIERARCHIES.flatMap((name) => [mkdir(`/sys/fs/cgroup/${name}/berth-${HASH}`), mkdir(`/sys/fs/cgroup/${name}/berth-${HASH}/monitors`)]),
    );
    expect(planMonitorsCgroupCreate(V2, HASH).ops.map((op) => op.path)).toEqual([
      `/sys/fs/cgroup/berth-${HASH}`, "/sys/fs/cgroup/cgroup.subtree_control", `/sys/fs/cgroup/berth-${HASH}/cgroup.subtree_control`, `/sys/fs/cgroup/berth-${HASH}/monitors`,
    ]);
  });

  it("lists one cgroup.procs per hierarchy", () => {
    expect(joinFiles(V1, HASH, "c0ffee")).toEqual(V1_HIERARCHIES.map((name) => `/sys/fs/cgroup/${name}/berth-${HASH}/c0ffee/cgroup.procs`));
    expect(joinFiles(detectCgroupLayout(V1_HYBRID_SYSTEMD), HASH, "c0ffee")).toHaveLength(7);
    expect(joinFiles(V2, HASH, "c0ffee")).toEqual([`/sys/fs/cgroup/berth-${HASH}/c0ffee/cgroup.procs`]);
    expect(monitorJoinFiles(V2, HASH)).toEqual([`/sys/fs/cgroup/berth-${HASH}/monitors/cgroup.procs`]);
  });
});

describe("performCgroupPlan", () => {
  const v1Roots = () => V1_HIERARCHIES.map((name) => `/sys/fs/cgroup/${name}`);

  it("performs the ops in order and skips the swap limit where swap accounting is off", async () => {
    const host = createRecordingCgroupHost({ dirs: v1Roots() });
    const plan = planCgroupCreate(V1, HASH, "c0ffee", FULL);
    const result = await performCgroupPlan(plan, host);
    expect(result.skipped).toEqual([plan.ops.find((op) => op.path.endsWith("memsw.limit_in_bytes"))]);
    expect(host.calls).toEqual(
      plan.ops.map((op) =>
        op.op === "mkdir" ? { call: "mkdir", path: op.path } : op.ifExists ? { call: "exists", path: op.path } : { call: "writeFile", path: op.path, value: op.value },
      ),
    );
  });

  it("writes the swap limit where the kernel has the file", async () => {
    const memsw = `/sys/fs/cgroup/memory/berth-${HASH}/c0ffee/memory.memsw.limit_in_bytes`;
    const host = createRecordingCgroupHost({ dirs: v1Roots(), files: { [memsw]: "9223372036854771712\n" } });
    const result = await performCgroupPlan(planCgroupCreate(V1, HASH, "c0ffee", FULL), host);
    expect(result.skipped).toEqual([]);
    expect(host.files.get(memsw)).toBe("67108864");
  });

  it("starts again when the parent vanishes under it (a concurrent removal of an empty parent)", async () => {
    const host = createRecordingCgroupHost({ dirs: ["/u"] });
    let removed = false;
    host.hooks.afterMkdir = (path) => {
      if (path === `/u/berth-${HASH}` && !removed) {
        removed = true;
        host.dirs.delete(path);
      }
    };
    await performCgroupPlan(planCgroupCreate({ version: 2, path: "/u", controllers: [] }, HASH, "c0ffee", NONE), host);
    expect(host.callsOf("mkdir").map((call) => ("path" in call ? call.path : ""))).toEqual([`/u/berth-${HASH}`, `/u/berth-${HASH}/c0ffee`, `/u/berth-${HASH}`, `/u/berth-${HASH}/c0ffee`]);
    expect(host.dirs.has(`/u/berth-${HASH}/c0ffee`)).toBe(true);
  });

  it("reports a failed write as an INTERNAL error naming the file", async () => {
    const host = createRecordingCgroupHost({ dirs: ["/u"] });
    host.hooks.afterMkdir = (path) => {
      if (path.endsWith("/c0ffee")) host.dirs.delete(path);
    };
    const plan = planCgroupCreate({ version: 2, path: "/u", controllers: ["pids"] }, HASH, "c0ffee", { pidsLimit: 4, devices: DEVICES });
    await expect(performCgroupPlan(plan, host)).rejects.toMatchObject({ code: "INTERNAL", message: expect.stringContaining("pids.max") });
  });

  it("fails after three attempts when the hierarchy itself is missing", async () => {
    const host = createRecordingCgroupHost();
    await expect(performCgroupPlan(planMonitorsCgroupCreate(V2, HASH), host)).rejects.toMatchObject({ code: "INTERNAL", message: expect.stringContaining("ENOENT") });
    expect(host.callsOf("mkdir")).toHaveLength(3);
  });
});
