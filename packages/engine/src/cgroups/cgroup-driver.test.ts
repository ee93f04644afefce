import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectCgroupLayout, probeCgroupLayout } from "./cgroup-driver.js";
import { createRecordingCgroupHost } from "./test-support/recording-cgroup-host.js";
import { V1_HYBRID_SYSTEMD, V1_SPLIT_WITH_UNIFIED, V2_UNIFIED } from "./test-support/mount-samples.js";

describe("detectCgroupLayout", () => {
  it("reads split v1 hierarchies and the empty cgroup2 beside them", () => {
    expect(detectCgroupLayout(V1_SPLIT_WITH_UNIFIED)).toEqual({
      version: 1,
      controllers: {
        cpu: "/sys/fs/cgroup/cpu",
        cpuacct: "/sys/fs/cgroup/cpuacct",
        cpuset: "/sys/fs/cgroup/cpuset",
        memory: "/sys/fs/cgroup/memory",
        devices: "/sys/fs/cgroup/devices",
        freezer: "/sys/fs/cgroup/freezer",
        blkio: "/sys/fs/cgroup/blkio",
        pids: "/sys/fs/cgroup/pids",
        "name=systemd": "/sys/fs/cgroup/systemd",
      },
      unifiedPath: "/sys/fs/cgroup/unified",
    });
  });

  it("maps co-mounted controllers to their shared hierarchy", () => {
    const layout = detectCgroupLayout(V1_HYBRID_SYSTEMD);
    expect(layout.version).toBe(1);
    if (layout.version !== 1) return;
    expect(layout.controllers.cpu).toBe("/sys/fs/cgroup/cpu,cpuacct");
    expect(layout.controllers.cpuacct).toBe("/sys/fs/cgroup/cpu,cpuacct");
    expect(layout.controllers.net_prio).toBe("/sys/fs/cgroup/net_cls,net_prio");
    expect(layout.controllers["name=systemd"]).toBe("/sys/fs/cgroup/systemd");
    expect(Object.keys(layout.controllers)).not.toContain("xattr");
    expect(layout.unifiedPath).toBe("/sys/fs/cgroup/unified");
  });

  it("reads a pure v2 host", () => {
    expect(detectCgroupLayout(V2_UNIFIED)).toEqual({ version: 2, path: "/sys/fs/cgroup" });
  });

  it("stays v2 when only a named v1 hierarchy is mounted (a systemd compat mount)", () => {
    const text = `${V2_UNIFIED}cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,nodev,noexec,relatime,xattr,name=systemd 0 0\n`;
    expect(detectCgroupLayout(text)).toEqual({ version: 2, path: "/sys/fs/cgroup" });
  });

  it("prefers the /sys/fs/cgroup mounts over other mounts of the same hierarchy, and unescapes paths", () => {
    const text = [
      "cgroup2 /tmp/my\\040cg cgroup2 rw 0 0",
      "cgroup /var/lib/x/memory cgroup rw,memory 0 0",
      "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0",
      "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0",
    ].join("\n");
    expect(detectCgroupLayout(text)).toEqual({ version: 1, controllers: { memory: "/sys/fs/cgroup/memory" }, unifiedPath: "/sys/fs/cgroup" });
    expect(detectCgroupLayout("cgroup2 /tmp/my\\040cg cgroup2 rw 0 0\n")).toEqual({ version: 2, path: "/tmp/my cg" });
  });

  it("refuses a host without any cgroup mount", () => {
    expect(() => detectCgroupLayout("proc /proc proc rw 0 0\n")).toThrow(expect.objectContaining({ code: "UNAVAILABLE" }));
  });

  it("reads this host's real /proc/self/mounts as the v1 layout the kernel tests rely on", () => {
    const layout = detectCgroupLayout(readFileSync("/proc/self/mounts", "utf8"));
    expect(layout.version).toBe(1);
    if (layout.version !== 1) return;
    for (const name of ["memory", "cpu", "cpuacct", "pids", "freezer", "devices"]) expect(layout.controllers[name]).toBeDefined();
    expect(layout.unifiedPath).toBeDefined();
  });
});

describe("probeCgroupLayout", () => {
  it("adds the root's controllers on v2", async () => {
    const host = createRecordingCgroupHost({
      files: { "/proc/self/mounts": V2_UNIFIED, "/sys/fs/cgroup/cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma misc\n" },
    });
    expect(await probeCgroupLayout(host)).toEqual({
      version: 2,
      path: "/sys/fs/cgroup",
      controllers: ["cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"],
    });
    expect(host.calls).toEqual([
      { call: "readFile", path: "/proc/self/mounts" },
      { call: "readFile", path: "/sys/fs/cgroup/cgroup.controllers" },
    ]);
  });

  it("reads nothing more on v1", async () => {
    const host = createRecordingCgroupHost({ files: { "/proc/self/mounts": V1_HYBRID_SYSTEMD } });
    expect((await probeCgroupLayout(host)).version).toBe(1);
    expect(host.calls).toHaveLength(1);
  });
});
