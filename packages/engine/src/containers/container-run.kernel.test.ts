import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";

// `docker run` through the ContainerService on the real kernel: busybox in a fresh root per test,
// attached like `run` without -d, and docker's isolation checked from inside.

const DOCKER_CAP_MASK = "00000000a80425fb";
const freshRoot = useContainerRoots();

const sh = (script: string) => ({ image: "busybox", cmd: ["sh", "-c", script] });

describe("run through the service", () => {
  it("keeps stdout and stderr apart and returns the exit code", async () => {
    const { engine } = await freshRoot();
    const result = await runAttached(engine, sh("echo out; echo err >&2; exit 7"));
    expect(result).toMatchObject({ exitCode: 7, stdout: "out\n", stderr: "err\n" });
    const inspect = await engine.containers.inspect(result.id);
    expect(inspect).toMatchObject({ State: { Status: "exited", ExitCode: 7, Running: false, Pid: 0 }, Path: "sh", Args: ["-c", "echo out; echo err >&2; exit 7"] });
    expect((await engine.containers.list({ all: true }))[0]).toMatchObject({ id: result.id, state: "exited", status: expect.stringMatching(/^Exited \(7\) /) });
  });

  it("runs the command as PID 1 with the short ID as hostname, in its own root", async () => {
    const { engine } = await freshRoot();
    const result = await runAttached(engine, sh("echo pid=$$; hostname; cat /etc/hostname; ls /; test -e /work && echo host-visible-$((1+1)); cat /proc/1/cmdline | tr '\\0' ' '; echo; ls /proc | grep -c '^[0-9]'"));
    const lines = result.stdout.split("\n");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(lines[0]).toBe("pid=1");
    expect(lines[1]).toBe(result.id.slice(0, 12));
    expect(lines[2]).toBe(result.id.slice(0, 12));
    expect(result.stdout).not.toContain("host-visible-2");
    expect(result.stdout).toContain("sh -c echo pid=$$");
    expect(Number(lines.at(-2))).toBeLessThanOrEqual(4); // sh, ls/grep of this pipeline: no host processes
    expect(result.stdout).not.toMatch(/\.init/);
  });

  it("gives docker's capability set to root and none to -u 65534", async () => {
    const { engine } = await freshRoot();
    const asRoot = await runAttached(engine, sh("grep -E '^Cap(Eff|Bnd|Inh)' /proc/self/status; id -u"));
    expect(asRoot.stdout).toContain(`CapEff:\t${DOCKER_CAP_MASK}`);
    expect(asRoot.stdout).toContain(`CapBnd:\t${DOCKER_CAP_MASK}`);
    expect(asRoot.stdout).toContain("CapInh:\t0000000000000000");
    expect(asRoot.stdout.trim().split("\n").at(-1)).toBe("0");
    const nobody = await runAttached(engine, { ...sh("id -u; id -g; grep CapEff /proc/self/status; touch /x 2>&1 || echo refused"), user: "65534" });
    expect(nobody.exitCode, nobody.stderr).toBe(0);
    expect(nobody.stdout).toMatch(/^65534\n65534\nCapEff:\t0000000000000000\n/);
    expect(nobody.stdout).toContain("refused");
    const mountRefused = await runAttached(engine, sh("mount -t tmpfs tmpfs /mnt"));
    expect(mountRefused.exitCode).not.toBe(0);
  });

  it("ends a memory hog over -m 32m with 137 and OOMKilled", async () => {
    const { engine } = await freshRoot();
    const result = await runAttached(engine, { ...sh("x=$(head -c 200m /dev/zero | tr '\\0' x); echo survived"), memory: "32m" });
    expect(result.exitCode, result.stderr).toBe(137);
    expect(result.stdout).not.toContain("survived");
    expect(await engine.containers.inspect(result.id)).toMatchObject({ State: { OOMKilled: true, ExitCode: 137 }, HostConfig: { Memory: 33554432, MemorySwap: 67108864 } });
  });

  it("stops a fork loop at --pids-limit 20", async () => {
    const { engine } = await freshRoot();
    const result = await runAttached(engine, {
      ...sh("cat /sys/fs/cgroup/pids/pids.max; i=0; while [ $i -lt 40 ]; do sleep 30 & i=$((i+1)); done; ls /proc | grep -c '^[0-9]'"),
      pidsLimit: 20,
    });
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toBe("20");
    expect(Number(lines.at(-1))).toBeLessThanOrEqual(20);
    expect(result.stderr).toMatch(/can't fork|Resource temporarily unavailable/);
  });

  it("streams stdin with -i and gives -t a pty of the container's own devpts", async () => {
    const { engine } = await freshRoot();
    async function* input() {
      yield new TextEncoder().encode("hello\n");
      yield new TextEncoder().encode("world\n");
    }
    const piped = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "cat; echo done"], openStdin: true }, { stdin: input() });
    expect(piped).toMatchObject({ exitCode: 0, stdout: "hello\nworld\ndone\n" });
    const tty = await runAttached(engine, { ...sh("tty; stty size; echo $TERM; echo err >&2"), tty: true }, { size: { rows: 33, cols: 101 } });
    expect(tty.exitCode, tty.stderr).toBe(0);
    expect(tty.stdout.replaceAll("\r", "")).toBe("/dev/pts/0\n33 101\nxterm\nerr\n");
    expect(tty.stderr).toBe("");
  });

  it("with --rm leaves nothing behind", async () => {
    const container = await freshRoot();
    const result = await runAttached(container.engine, { ...sh("echo bye"), autoRemove: true });
    expect(result).toMatchObject({ exitCode: 0, stdout: "bye\n" });
    expect(await container.engine.containers.list({ all: true })).toEqual([]);
    await expect(container.engine.containers.inspect(result.id)).rejects.toMatchObject({ code: "NOT_FOUND", message: `No such container: ${result.id}` });
    await expect.poll(() => containerLeftovers(container, result.id, { isLast: true }), { timeout: 15_000 }).toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(container.root);
  });
});
