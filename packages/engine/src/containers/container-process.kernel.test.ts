import { readFileSync } from "node:fs";
import type { AttachStreams, BerthService, ContainerExecOptions } from "@berth/core";
import { describe, expect, it } from "vitest";
import { useContainerRoots } from "../test-support/container-root.js";

// exec, attach, top and stats through the ContainerService on the real kernel (cgroup v1 on this
// host), each against a running busybox container.

const freshRoot = useContainerRoots();

async function runDetached(engine: BerthService, cmd: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const { id } = await engine.containers.create({ image: "busybox", cmd, detach: true, ...extra });
  await engine.containers.start(id);
  return id;
}

async function* chunks(...texts: string[]): AsyncIterable<Uint8Array> {
  for (const text of texts) yield Buffer.from(text);
}

/** exec with its output collected. */
async function exec(engine: BerthService, id: string, cmd: string[], options: Partial<ContainerExecOptions> = {}, extra: Partial<AttachStreams> = {}) {
  let stdout = "";
  let stderr = "";
  const exitCode = await engine.containers.exec(id, { cmd, ...options }, {
    stdout: (chunk) => (stdout += Buffer.from(chunk).toString()),
    stderr: (chunk) => (stderr += Buffer.from(chunk).toString()),
    ...extra,
  });
  return { exitCode, stdout, stderr };
}

async function eventActions(engine: BerthService, id: string): Promise<string[]> {
  const actions: string[] = [];
  for await (const event of engine.system.events({ filters: { type: ["container"], container: [id] } })) actions.push(event.action);
  return actions;
}

describe("exec", () => {
  it("joins the container's cgroups, namespaces and root, with its env merged with -e, -w and -u", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sleep", "300"], { env: ["A=1", "B=2"], hostname: "box" });
    const ps = await exec(engine, id, ["ps", "-o", "pid,args"]);
    expect(ps.exitCode).toBe(0);
    expect(ps.stdout.trim().split("\n").slice(1).map((line) => line.trim().split(/\s+/).slice(1).join(" "))).toEqual(["sleep 300", "ps -o pid,args"]);
    const where = await exec(engine, id, ["sh", "-c", "hostname; [ \"$(cat /proc/self/cgroup)\" = \"$(cat /proc/1/cgroup)\" ] && echo same-cgroups; [ \"$(readlink /proc/self/ns/mnt)\" = \"$(readlink /proc/1/ns/mnt)\" ] && echo same-mnt; ls /"]);
    expect(where.stdout).toMatch(/^box\nsame-cgroups\nsame-mnt\n/);
    expect(where.stdout).toContain("linuxrc");
    const env = await exec(engine, id, ["sh", "-c", "pwd; id -u; echo $A $B $C $HOSTNAME"], { env: ["B=3", "C=4"], workingDir: "/tmp", user: "nobody" });
    expect(env.stdout).toBe("/tmp\n65534\n1 3 4 box\n");
  });

  it("keeps the container's capabilities (cap-drop honoured) unless --privileged", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sleep", "300"], { capDrop: ["NET_RAW"] });
    const caps = await exec(engine, id, ["grep", "^CapEff", "/proc/self/status"]);
    expect(caps.stdout).toBe("CapEff:\t00000000a80405fb\n"); // docker's 0xa80425fb without NET_RAW (bit 13)
    const all = await exec(engine, id, ["grep", "^CapEff", "/proc/self/status"], { privileged: true });
    const ours = /^CapBnd:\t(\w+)$/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    expect(all).toMatchObject({ exitCode: 0, stdout: `CapEff:\t${ours}\n` }); // every capability berth holds
  });

  it("propagates exit codes, 127 and 126 like docker, streams stdin with -i, and records exec events", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sleep", "300"]);
    expect((await exec(engine, id, ["sh", "-c", "exit 7"])).exitCode).toBe(7);
    const missing = await exec(engine, id, ["no-such-command"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('exec: "no-such-command": executable file not found in $PATH');
    expect((await exec(engine, id, ["/etc/passwd"])).exitCode).toBe(126);
    const piped = await exec(engine, id, ["sh", "-c", "cat; echo end"], { interactive: true }, { stdin: chunks("one\n", "two\n") });
    expect(piped).toEqual({ exitCode: 0, stdout: "one\ntwo\nend\n", stderr: "" });
    const actions = await eventActions(engine, id);
    expect(actions.filter((action) => action.startsWith("exec_"))).toEqual([
      "exec_create: sh -c exit 7", "exec_start: sh -c exit 7", "exec_die",
      "exec_create: no-such-command", "exec_start: no-such-command", "exec_die",
      "exec_create: /etc/passwd", "exec_start: /etc/passwd", "exec_die",
      "exec_create: sh -c cat; echo end", "exec_start: sh -c cat; echo end", "exec_die",
    ]);
  });

  it("gives a pty with -t, sized by the caller and resized later; -d returns at once", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sleep", "300"]);
    const tty = await exec(engine, id, ["sh", "-c", "tty; stty size; echo $TERM"], { tty: true }, { size: { rows: 30, cols: 90 } });
    expect(tty).toMatchObject({ exitCode: 0, stdout: "/dev/pts/0\r\n30 90\r\nxterm\r\n" });
    let firstSize: () => void = () => {};
    let resized: () => void = () => {};
    const sizeShown = new Promise<void>((resolve) => (firstSize = resolve));
    const resizeSent = new Promise<void>((resolve) => (resized = resolve));
    async function* sizes() {
      await sizeShown;
      yield { rows: 50, cols: 100 };
      resized(); // runs once the size has been written
    }
    async function* keys() {
      await resizeSent;
      yield Buffer.from("go\n");
    }
    let seen = "";
    const resizing = await engine.containers.exec(id, { cmd: ["sh", "-c", "stty size; read line; stty size"], tty: true, interactive: true }, {
      stdout: (chunk) => {
        seen += Buffer.from(chunk).toString();
        if (seen.includes("30 90")) firstSize();
      },
      stderr: () => {},
      stdin: keys(),
      size: { rows: 30, cols: 90 },
      resize: sizes(),
    });
    expect({ resizing, seen }).toEqual({ resizing: 0, seen: "30 90\r\ngo\r\n50 100\r\n" });
    expect(await engine.containers.exec(id, { cmd: ["sh", "-c", "sleep 1; touch /tmp/detached"], detach: true })).toBeUndefined();
    expect((await exec(engine, id, ["test", "-e", "/tmp/detached"])).exitCode).toBe(1);
    await expect.poll(async () => (await exec(engine, id, ["test", "-e", "/tmp/detached"])).exitCode, { timeout: 10_000 }).toBe(0);
  });

  it("refuses a stopped or paused container with docker's errors", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sleep", "300"]);
    await engine.containers.pause(id);
    await expect(engine.containers.exec(id, { cmd: ["true"] })).rejects.toMatchObject({ code: "CONFLICT", message: `Container ${id} is paused, unpause the container before exec` });
    await engine.containers.unpause(id);
    await engine.containers.kill(id);
    await expect(engine.containers.exec(id, { cmd: ["true"] })).rejects.toMatchObject({ code: "CONFLICT", message: `Container ${id} is not running` });
    await expect(engine.containers.exec("nope", { cmd: ["true"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await eventActions(engine, id)).some((action) => action.startsWith("exec_"))).toBe(false);
  });
});

describe("attach", () => {
  it("relays a running container's streams and stdin, and returns its exit code", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sh", "-c", "read line; echo got $line; echo err >&2; exit 3"], { openStdin: true });
    let stdout = "";
    let stderr = "";
    const code = await engine.containers.attach(id, {
      stdout: (chunk) => (stdout += Buffer.from(chunk).toString()),
      stderr: (chunk) => (stderr += Buffer.from(chunk).toString()),
      stdin: chunks("hello\n"),
    });
    expect({ code, stdout, stderr }).toEqual({ code: 3, stdout: "got hello\n", stderr: "err\n" });
    await expect(engine.containers.attach(id, { stdout: () => {}, stderr: () => {} })).rejects.toMatchObject({
      code: "CONFLICT", message: "You cannot attach to a stopped container, start it first",
    });
  });

  it("detaches from a tty container, which keeps running", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sh"], { tty: true, openStdin: true });
    const detach = new AbortController();
    let stdout = "";
    const attached = engine.containers.attach(id, {
      stdout: (chunk) => {
        stdout += Buffer.from(chunk).toString();
        if (stdout.includes("marker-42")) detach.abort();
      },
      stderr: () => {},
      stdin: chunks("echo marker-$((40+2))\n"),
      detach: detach.signal,
      size: { rows: 24, cols: 80 },
    });
    expect(await attached).toBeUndefined();
    expect((await engine.containers.inspect(id))["State"]).toMatchObject({ Running: true });
  });
});

describe("top", () => {
  it("lists the container's processes with ps's columns, options passed through", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sh", "-c", "sleep 301 & exec sleep 300"]);
    await expect.poll(async () => (await engine.containers.top(id)).processes.length).toBe(2);
    const top = await engine.containers.top(id);
    expect(top.titles).toEqual(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
    expect(top.processes.map((row) => row.at(-1)).sort()).toEqual(["sleep 300", "sleep 301"]);
    const pid = String(((await engine.containers.inspect(id))["State"] as { Pid: number }).Pid);
    expect(top.processes.map((row) => row[1])).toContain(pid);
    expect((await engine.containers.top(id, ["-o", "pid,comm"])).titles).toEqual(["PID", "COMMAND"]);
    await expect(engine.containers.top(id, ["-o", "comm"])).rejects.toMatchObject({ message: "Couldn't find PID field in ps output" });
    await expect(engine.containers.top(id, ["--no-such-option"])).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/^ps: /) });
    await engine.containers.pause(id);
    expect((await engine.containers.top(id)).processes).toHaveLength(2);
    await engine.containers.unpause(id);
    await engine.containers.kill(id);
    await expect(engine.containers.top(id)).rejects.toMatchObject({ code: "CONFLICT", message: `Container ${id} is not running` });
  });
});

describe("stats", () => {
  it("reads CPU from two samples, memory against the limit, and pids from the cgroup; a stopped container reads as zeros", async () => {
    const { engine } = await freshRoot();
    // No network but loopback (not counted): NET I/O is exactly 0.
    const busy = await runDetached(engine, ["sh", "-c", "sleep 300 & while :; do :; done"], { name: "busy", memory: "64m", network: ["none"] });
    const stopped = await runDetached(engine, ["true"], { name: "done" });
    await engine.containers.wait(stopped);
    const sets: Array<Awaited<ReturnType<typeof first>>> = [];
    async function first(options: Parameters<BerthService["containers"]["stats"]>[0]) {
      for await (const entries of engine.containers.stats(options)) return entries;
      return [];
    }
    sets.push(await first({ intervalMs: 500 }));
    const [entry] = sets[0]!;
    expect(sets[0]).toHaveLength(1);
    expect(entry).toMatchObject({ id: busy, name: "busy", isRunning: true, memoryLimit: 64 * 1024 * 1024, pids: 2, netRx: 0, netTx: 0 });
    expect(entry!.cpuPercent).toBeGreaterThan(0);
    expect(entry!.memoryUsage).toBeGreaterThan(0);
    expect(entry!.memoryPercent).toBeCloseTo((entry!.memoryUsage / entry!.memoryLimit) * 100, 5);
    const all = await first({ all: true, intervalMs: 200 });
    expect(all.map((e) => e.name).sort()).toEqual(["busy", "done"]);
    expect(await first({ containers: ["done"], intervalMs: 100 })).toEqual([{
      id: stopped, name: "done", isRunning: false, cpuPercent: 0, memoryUsage: 0, memoryLimit: 0, memoryPercent: 0, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 0,
    }]);
    await expect(first({ containers: ["nope"] })).rejects.toMatchObject({ code: "NOT_FOUND", message: "No such container: nope" });
  });

  it("streams a set per interval until aborted", async () => {
    const { engine } = await freshRoot();
    await runDetached(engine, ["sleep", "300"]);
    const abort = new AbortController();
    let sets = 0;
    for await (const entries of engine.containers.stats({ stream: true, intervalMs: 100, signal: abort.signal })) {
      expect(entries).toHaveLength(1);
      if (++sets === 3) abort.abort();
    }
    expect(sets).toBe(3);
  });
});
