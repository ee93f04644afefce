import { describe, expect, it } from "vitest";
import { mergeRunConfig } from "./container-config.js";
import { checkResources, planCgroupLimits } from "./resources.js";
import { DEFAULT_CAPABILITIES, DEFAULT_DEVICE_RULES, DEFAULT_MASKED_PATHS, LINUX_CAPABILITIES, PRIVILEGED_DEVICE_RULES } from "./runtime-defaults.js";
import { planContainerStart, type ContainerStartInput, type PlannedMount } from "./start-plan.js";

const id = "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
const root = "/var/lib/berth/containers/" + id;
const busybox = { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] };
const passwd = "root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33:www-data:/var/www:/bin/false\n";
const group = "root:x:0:\nwheel:x:10:root\nwww-data:x:33:\n";

function input(overrides: Partial<ContainerStartInput> = {}, run: Parameters<typeof mergeRunConfig>[1] = { env: [], labels: {}, tty: false, openStdin: false }): ContainerStartInput {
  return {
    id,
    config: mergeRunConfig(busybox, run, id),
    rootfs: { lowerDirs: [`${root}/init`, "/var/lib/berth/layers/b/diff", "/var/lib/berth/layers/a/diff"], upperDir: `${root}/upper`, workDir: `${root}/work`, mergedDir: `${root}/merged` },
    files: { hostsPath: `${root}/hosts`, hostnamePath: `${root}/hostname`, resolvConfPath: `${root}/resolv.conf` },
    passwd,
    group,
    cgroup: { version: 2 },
    ...overrides,
  };
}

const summary = (mounts: PlannedMount[]) => mounts.map((m) => `${m.kind} ${m.source} ${m.target} ${m.options.join(",")}`);

describe("planContainerStart: the default container", () => {
  const plan = planContainerStart(input());

  it("mounts docker's defaults in order", () => {
    expect(summary(plan.mounts)).toEqual([
      "proc proc /proc nosuid,noexec,nodev",
      "tmpfs tmpfs /dev nosuid,strictatime,mode=755,size=65536k",
      "bind /dev/null /dev/null bind",
      "bind /dev/zero /dev/zero bind",
      "bind /dev/full /dev/full bind",
      "bind /dev/random /dev/random bind",
      "bind /dev/urandom /dev/urandom bind",
      "bind /dev/tty /dev/tty bind",
      "devpts devpts /dev/pts nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5",
      "tmpfs shm /dev/shm nosuid,noexec,nodev,mode=1777,size=67108864",
      "mqueue mqueue /dev/mqueue nosuid,noexec,nodev",
      "sysfs sysfs /sys nosuid,noexec,nodev,ro",
      "cgroup cgroup2 /sys/fs/cgroup nosuid,noexec,nodev,ro",
      `bind ${root}/hosts /etc/hosts rbind,rprivate`,
      `bind ${root}/hostname /etc/hostname rbind,rprivate`,
      `bind ${root}/resolv.conf /etc/resolv.conf rbind,rprivate`,
    ]);
    expect(plan.mounts.filter((m) => m.targetType === "file").map((m) => m.target)).toEqual([
      "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf",
    ]);
  });

  it("runs the command as root with docker's capabilities, env and masks", () => {
    expect(plan).toMatchObject({
      namespaces: ["mount", "uts", "ipc", "pid", "cgroup", "net"],
      hostname: "c0ffee012345",
      rootfs: { lowerDirs: [`${root}/init`, "/var/lib/berth/layers/b/diff", "/var/lib/berth/layers/a/diff"], mergedDir: `${root}/merged`, readOnly: false },
      capabilities: [...DEFAULT_CAPABILITIES],
      noNewPrivileges: false,
      user: { uid: 0, gid: 0, additionalGids: [0, 10] },
      env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=c0ffee012345"],
      cwd: "/",
      argv: ["sh"],
      tty: false,
    });
    expect(plan.maskedPaths).toEqual([...DEFAULT_MASKED_PATHS]);
    expect(plan.readonlyPaths).toEqual(["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]);
    expect(plan.cgroup).toEqual({ devices: [...DEFAULT_DEVICE_RULES] });
    expect(plan.oomScoreAdj).toBeUndefined();
    expect(plan.symlinks).toContainEqual({ path: "/dev/ptmx", target: "pts/ptmx" });
  });
});

describe("planContainerStart: options", () => {
  it("--privileged: every capability and device, no masks, /sys and cgroup writable", () => {
    const plan = planContainerStart(input({ privileged: true, capDrop: ["ALL"] }));
    expect(plan.capabilities).toEqual([...LINUX_CAPABILITIES]);
    expect(plan.maskedPaths).toEqual([]);
    expect(plan.readonlyPaths).toEqual([]);
    expect(plan.cgroup.devices).toEqual([...PRIVILEGED_DEVICE_RULES]);
    const sys = plan.mounts.filter((m) => m.target.startsWith("/sys"));
    expect(sys.map((m) => m.options)).toEqual([["nosuid", "noexec", "nodev"], ["nosuid", "noexec", "nodev"]]);
  });

  it("--read-only: root remounted read-only, /sys kept read-only, /dev and the etc files writable", () => {
    const plan = planContainerStart(input({ readOnlyRootfs: true, privileged: true }));
    expect(plan.rootfs.readOnly).toBe(true);
    const byTarget = Object.fromEntries(plan.mounts.map((m) => [m.target, m.options]));
    expect(byTarget["/sys"]).toContain("ro");
    expect(byTarget["/sys/fs/cgroup"]).toContain("ro");
    for (const target of ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/etc/hosts"]) {
      expect(byTarget[target], target).not.toContain("ro");
    }
  });

  it("-u resolves against the container's passwd and group", () => {
    const run = { env: [], labels: {}, tty: false, openStdin: false, user: "www-data" };
    expect(planContainerStart(input({}, run)).user).toEqual({ uid: 33, gid: 33, additionalGids: [33] });
    expect(planContainerStart(input({ groupAdd: ["wheel"] }, { ...run, user: "1000:1000" })).user).toEqual({
      uid: 1000, gid: 1000, additionalGids: [1000, 10],
    });
    expect(() => planContainerStart(input({}, { ...run, user: "nobody" }))).toThrow(
      "unable to find user nobody: no matching entries in passwd file",
    );
  });

  it("--cap-add/--cap-drop and no-new-privileges", () => {
    const plan = planContainerStart(input({ capAdd: ["NET_ADMIN"], capDrop: ["chown", "NET_RAW"], noNewPrivileges: true }));
    expect(plan.capabilities).toEqual([...DEFAULT_CAPABILITIES.filter((c) => c !== "CAP_CHOWN" && c !== "CAP_NET_RAW"), "CAP_NET_ADMIN"]);
    expect(plan.noNewPrivileges).toBe(true);
    expect(() => planContainerStart(input({ capAdd: ["WIZARDRY"] }))).toThrow('invalid CapAdd: unknown capability: "CAP_WIZARDRY"');
  });

  it("volumes and tmpfs come after the defaults, parents before children, else in the user's order", () => {
    const plan = planContainerStart(input({
      mounts: [
        { type: "bind", source: "/srv/site/static", target: "/usr/share/nginx/html/static", readOnly: true },
        { type: "volume", source: "/var/lib/berth/volumes/data/_data", target: "/data", readOnly: false },
        { type: "bind", source: "/srv/site", target: "/usr/share/nginx/html/", readOnly: false, propagation: "rslave" },
        { type: "bind", source: "/etc/app.conf", target: "/etc/app/app.conf", readOnly: true, isFile: true, nonRecursive: true },
        { type: "tmpfs", source: "", target: "/cache", readOnly: false, tmpfsData: "mode=1777,size=64m" },
      ],
      tmpfs: [{ target: "/run", data: "rw,size=1m" }],
    }));
    expect(summary(plan.mounts.slice(16))).toEqual([
      "bind /var/lib/berth/volumes/data/_data /data rbind,rprivate",
      "tmpfs tmpfs /cache noexec,nosuid,nodev,rprivate,mode=1777,size=64m",
      "tmpfs tmpfs /run noexec,nosuid,nodev,rprivate,rw,size=1m",
      "bind /etc/app.conf /etc/app/app.conf bind,ro,rprivate",
      "bind /srv/site /usr/share/nginx/html rbind,rslave",
      "bind /srv/site/static /usr/share/nginx/html/static rbind,ro,rprivate",
    ]);
    expect(plan.mounts.find((m) => m.target === "/etc/app/app.conf")?.targetType).toBe("file");
  });

  it("lets a user mount replace a default one", () => {
    const plan = planContainerStart(input({
      tmpfs: [{ target: "/dev/shm", data: "size=1g" }],
      mounts: [{ type: "bind", source: "/srv/hosts", target: "/etc/hosts", readOnly: true, isFile: true }],
    }));
    expect(summary(plan.mounts.filter((m) => m.target === "/dev/shm" || m.target === "/etc/hosts"))).toEqual([
      "bind /srv/hosts /etc/hosts rbind,ro,rprivate",
      "tmpfs tmpfs /dev/shm noexec,nosuid,nodev,rprivate,size=1g",
    ]);
  });

  it("refuses a mount over /dev", () => {
    expect(() => planContainerStart(input({ mounts: [{ type: "bind", source: "/dev", target: "/dev", readOnly: false }] }))).toThrow(
      "mounting over /dev is not supported",
    );
  });

  it("binds the console with a TTY and sets TERM", () => {
    const plan = planContainerStart(input({ consolePath: "/dev/pts/7" }, { env: [], labels: {}, tty: true, openStdin: true }));
    expect(summary(plan.mounts.filter((m) => m.target === "/dev/console"))).toEqual(["bind /dev/pts/7 /dev/console bind"]);
    expect(plan.env).toContain("TERM=xterm");
    expect(plan.tty).toBe(true);
  });

  it("mounts each cgroup v1 hierarchy under a tmpfs", () => {
    const plan = planContainerStart(input({ cgroup: { version: 1, hierarchies: ["cpu,cpuacct", "memory", "name=systemd"] } }));
    expect(summary(plan.mounts.filter((m) => m.target.startsWith("/sys/fs/cgroup")))).toEqual([
      "tmpfs tmpfs /sys/fs/cgroup nosuid,noexec,nodev,mode=755",
      "cgroup cgroup /sys/fs/cgroup/cpu,cpuacct nosuid,noexec,nodev,ro,cpu,cpuacct",
      "cgroup cgroup /sys/fs/cgroup/memory nosuid,noexec,nodev,ro,memory",
      "cgroup cgroup /sys/fs/cgroup/systemd nosuid,noexec,nodev,ro,name=systemd",
    ]);
  });

  it("carries working dir, --shm-size, limits and the OOM score", () => {
    const plan = planContainerStart(input(
      { resources: { memory: 512 * 2 ** 20, nanoCpus: 1.5e9, cpuShares: 1, pidsLimit: 100, shmSize: 2 ** 20, oomScoreAdj: -500 } },
      { env: [], labels: {}, tty: false, openStdin: false, workingDir: "/app" },
    ));
    expect(plan.cwd).toBe("/app");
    expect(plan.mounts.find((m) => m.target === "/dev/shm")?.options).toContain("size=1048576");
    expect(plan.cgroup).toMatchObject({ memory: 536870912, memorySwap: 1073741824, cpuPeriod: 100000, cpuQuota: 150000, cpuShares: 2, pidsLimit: 100 });
    expect(plan.oomScoreAdj).toBe(-500);
  });

  it("refuses a container with no command", () => {
    expect(() => planContainerStart(input({ config: { Hostname: "x", Env: [] } }))).toThrow("no command specified");
  });
});

describe("cgroup limits and the daemon's resource checks", () => {
  it.each([
    [{}, {}],
    [{ memory: 100 * 2 ** 20, memorySwap: -1 }, { memory: 104857600, memorySwap: -1 }],
    [{ memory: 100 * 2 ** 20, memorySwap: 300 * 2 ** 20 }, { memory: 104857600, memorySwap: 314572800 }],
    [{ nanoCpus: 250_000_000 }, { cpuPeriod: 100000, cpuQuota: 25000 }],
    [{ cpuShares: 1_000_000 }, { cpuShares: 262144 }],
    [{ pidsLimit: -1 }, {}],
    [{ pidsLimit: 0 }, {}],
  ])("%o", (resources, limits) => {
    expect(planCgroupLimits(resources)).toEqual({ ...limits, devices: [...DEFAULT_DEVICE_RULES] });
  });

  it.each([
    [{ memory: 1024 }, "Minimum memory limit allowed is 6MB"],
    [{ memory: 10 * 2 ** 20, memorySwap: 8 * 2 ** 20 }, "Minimum memoryswap limit should be larger than memory limit, see usage"],
    [{ memorySwap: 8 * 2 ** 20 }, "You should always set the Memory limit when using Memoryswap limit, see usage"],
    [{ nanoCpus: -1e9 }, "Range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available"],
    [{ nanoCpus: 9e9 }, "Range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available"],
    [{ nanoCpus: 9_999_999 }, "Range of CPUs is from 0.01 to 8.00, as there are only 8 CPUs available"],
    [{ cpuShares: -1 }, "shares: invalid argument"],
    [{ oomScoreAdj: 2000 }, "Invalid value 2000, range for oom score adj is [-1000, 1000]"],
    [{ shmSize: -1 }, "SHM size can not be less than 0"],
  ])("rejects %o", (resources, message) => {
    expect(() => checkResources(resources, { cpuCount: 8 })).toThrow(message);
  });

  it("accepts docker's defaults and edges", () => {
    expect(() => checkResources({ memory: 6 * 2 ** 20, memorySwap: -1, nanoCpus: 8e9, oomScoreAdj: -1000 }, { cpuCount: 8 })).not.toThrow();
    expect(() => checkResources({ nanoCpus: 1e7 }, { cpuCount: 8 })).not.toThrow();
  });
});

describe("planContainerStart: --init", () => {
  it("binds the helper read-only at /sbin/docker-init, after the /etc files and before the user's mounts, and runs the command under it", () => {
    const plan = planContainerStart(input({ initBinaryPath: "/opt/berth/berth-init", mounts: [{ type: "bind", source: "/srv", target: "/srv", readOnly: false }] }));
    expect(summary(plan.mounts).slice(-3)).toEqual([
      `bind ${root}/resolv.conf /etc/resolv.conf rbind,rprivate`,
      "bind /opt/berth/berth-init /sbin/docker-init bind,ro",
      "bind /srv /srv rbind,rprivate",
    ]);
    expect(plan.mounts.find((m) => m.target === "/sbin/docker-init")?.targetType).toBe("file");
    expect(plan.argv).toEqual(["/sbin/docker-init", "--", "sh"]);
    expect(planContainerStart(input()).argv).toEqual(["sh"]);
  });
});

describe("planContainerStart: nodev mounts (no devices cgroup)", () => {
  it("adds nodev to the rootfs, /dev, volumes and tmpfs, not to /dev/pts or the files bound over stubs", () => {
    const plan = planContainerStart(input({
      nodevMounts: true,
      mounts: [{ type: "bind", source: "/srv", target: "/srv", readOnly: true }, { type: "bind", source: "/etc/motd", target: "/motd", readOnly: false, isFile: true }],
      tmpfs: [{ target: "/scratch", data: "size=1m" }],
    }));
    expect(plan.rootfs.nodev).toBe(true);
    const options = (target: string) => plan.mounts.find((m) => m.target === target)?.options ?? [];
    for (const target of ["/dev", "/srv", "/scratch", "/dev/shm", "/proc"]) expect(options(target), target).toContain("nodev");
    for (const target of ["/dev/pts", "/dev/null", "/etc/hosts", "/motd"]) expect(options(target), target).not.toContain("nodev");
    expect(options("/scratch").filter((option) => option === "nodev")).toHaveLength(1);
    expect(planContainerStart(input()).rootfs.nodev).toBe(false);
    expect(options("/dev").length).toBe(planContainerStart(input()).mounts.find((m) => m.target === "/dev")!.options.length + 1);
  });
});

describe("planContainerStart: seccomp", () => {
  it("applies docker's default profile unless --privileged or seccomp=unconfined", () => {
    expect(planContainerStart(input()).seccomp).toBe("default");
    expect(planContainerStart(input({ seccompUnconfined: true })).seccomp).toBe("unconfined");
    expect(planContainerStart(input({ privileged: true })).seccomp).toBe("unconfined");
  });
});
