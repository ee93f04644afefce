import { existsSync, mkdirSync, readFileSync } from "node:fs";
import type { BerthService } from "@berth/core";
import { describe, expect, it } from "vitest";
import { containerCgroup } from "../cgroups/cgroup-naming.js";
import { containerLeftovers, runAttached, useContainerRoots, type ContainerRoot } from "../test-support/container-root.js";

// Real containers on cgroup v2 paths: `cgroup_mode = "unified"` puts them on this hybrid host's
// cgroup2 mount, which has no controllers here, so pause/unpause (cgroup.freeze), the procs and
// kill (cgroup.kill) run for real while v2 limits stay plan-tested (cgroups/README.md). With no
// devices controller the mounts are nodev: a node made with mknod cannot be opened.

const freshRoot = useContainerRoots();

type State = { Status: string; Pid: number; ExitCode: number };
const state = async (engine: BerthService, id: string) => ((await engine.containers.inspect(id)) as { State: State }).State;
const groupDir = (root: ContainerRoot, id: string) => containerCgroup(root.layout, root.rootHash, id).dirs[0] ?? "";
const pidsOf = (dir: string) => readFileSync(`${dir}/cgroup.procs`, "utf8").split("\n").filter(Boolean).map(Number);
const frozen = (dir: string) => /^frozen 1$/m.test(readFileSync(`${dir}/cgroup.events`, "utf8"));
const cpuTicks = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11]) + Number(fields[12]);
};

describe("containers on the cgroup2 mount (cgroup_mode unified)", () => {
  it("runs in its own v2 group only, pauses and unpauses through cgroup.freeze, and kills every process through cgroup.kill", async () => {
    const root = await freshRoot({ cgroupMode: "unified" });
    const { engine } = root;
    expect(root.layout.version).toBe(2);
    const { id } = await engine.containers.create({ image: "busybox", cmd: ["sh", "-c", "sleep 300 & sleep 300 & while :; do :; done"], detach: true });
    await engine.containers.start(id);
    const dir = groupDir(root, id);
    const { Pid } = await state(engine, id);
    await expect.poll(() => pidsOf(dir).length).toBe(3);
    expect(pidsOf(dir)).toContain(Pid);
    expect(existsSync(`/sys/fs/cgroup/memory/berth-${root.rootHash}/${id}`)).toBe(false);

    await engine.containers.pause(id);
    expect(readFileSync(`${dir}/cgroup.freeze`, "utf8").trim()).toBe("1");
    expect(frozen(dir)).toBe(true);
    expect(await state(engine, id)).toMatchObject({ Status: "paused" });
    const pausedTicks = cpuTicks(Pid);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cpuTicks(Pid)).toBe(pausedTicks);

    await engine.containers.unpause(id);
    expect(frozen(dir)).toBe(false);
    await expect.poll(() => cpuTicks(Pid), { timeout: 15_000 }).toBeGreaterThan(pausedTicks);

    await engine.containers.kill(id);
    expect(await state(engine, id)).toMatchObject({ Status: "exited", ExitCode: 137 });
    expect(existsSync(dir)).toBe(false);
    await engine.containers.remove(id);
    await expect.poll(() => containerLeftovers(root, id, { isLast: true }), { timeout: 15_000 }).toEqual([]);
  }, 60_000);

  it("stops a paused container, thawing it after the signal", async () => {
    const root = await freshRoot({ cgroupMode: "unified" });
    const { engine } = root;
    const { id } = await engine.containers.create({ image: "busybox", cmd: ["sh", "-c", "trap 'exit 143' TERM; while :; do sleep 0.1; done"], detach: true });
    await engine.containers.start(id);
    await engine.containers.pause(id);
    expect(frozen(groupDir(root, id))).toBe(true);
    await engine.containers.stop(id, { timeout: 30 });
    expect(await state(engine, id)).toMatchObject({ Status: "exited", ExitCode: 143 });
    await engine.containers.remove(id);
  }, 60_000);

  it("mounts the rootfs, /dev, volumes and tmpfs nodev, so a node made with mknod cannot be opened; the usual nodes work", async () => {
    const root = await freshRoot({ cgroupMode: "unified" });
    const volume = `${root.root}/bind-volume`;
    mkdirSync(volume);
    const tryNode = (path: string) => `mknod ${path} c 1 11 && { if dd if=${path} of=/dev/null count=0 2>/dev/null; then echo "${path} opened"; else echo "${path} refused"; fi; }`;
    const result = await runAttached(root.engine, {
      image: "busybox",
      volumes: [`${volume}:/vol`],
      tmpfs: ["/scratch"],
      cmd: ["sh", "-c", [
        tryNode("/root/node"), tryNode("/dev/node"), tryNode("/vol/node"), tryNode("/scratch/node"),
        "echo x > /dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c",
        "awk '$5 == \"/\" { print $6 }' /proc/self/mountinfo",
      ].join("; ")],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split("\n").slice(0, 6)).toEqual(["/root/node refused", "/dev/node refused", "/vol/node refused", "/scratch/node refused", "4", "4"]);
    expect(result.stdout.split("\n")[6]).toMatch(/(^|,)nodev(,|$)/);
    // The probe can tell: --privileged (every device, no nodev) opens the same node.
    const privileged = await runAttached(root.engine, { image: "busybox", privileged: true, cmd: ["sh", "-c", tryNode("/root/node")] });
    expect(privileged.stdout).toBe("/root/node opened\n");
  }, 60_000);
});
