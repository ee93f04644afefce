import { readFileSync } from "node:fs";
import type { BerthService, LogEntry } from "@berth/core";
import { describe, expect, it } from "vitest";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";

// Detached containers through the ContainerService on the real kernel: stop, kill, pause, logs,
// restart policies, rm, and the database catching up with the kernel after a monitor dies.

const freshRoot = useContainerRoots();

/** `run -d`: create detached and start; resolves once the container runs. */
async function runDetached(engine: BerthService, script: string, extra: Record<string, unknown> = {}): Promise<string> {
  const { id } = await engine.containers.create({ image: "busybox", cmd: ["sh", "-c", script], detach: true, ...extra });
  await engine.containers.start(id);
  return id;
}

const state = async (engine: BerthService, id: string) => ((await engine.containers.inspect(id)) as { State: Record<string, unknown> }).State;
const procState = (pid: number) => readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
/** Gone, or a zombie waiting for this host's (slow) init to reap it. */
function isGone(pid: number): boolean {
  try {
    return procState(pid) === "Z";
  } catch {
    return true;
  }
}

async function collect(logs: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const entry of logs) entries.push(entry);
  return entries;
}

/** A script that answers SIGTERM with 143 (PID 1 ignores signals it has no handler for). */
const TERM_AWARE = "trap 'echo got TERM; exit 143' TERM; echo ready; while :; do sleep 0.1; done";

describe("detached containers", () => {
  it("stops with the StopSignal: 143 from a trap, 137 after the timeout for a process without a handler", async () => {
    const { engine } = await freshRoot();
    const aware = await runDetached(engine, TERM_AWARE);
    const plain = await runDetached(engine, "exec sleep 300");
    expect(await state(engine, aware)).toMatchObject({ Status: "running", Running: true });
    await expect.poll(async () => (await collect(engine.containers.logs(aware))).length).toBeGreaterThan(0);
    await engine.containers.stop(aware);
    expect(await state(engine, aware)).toMatchObject({ Status: "exited", ExitCode: 143, Running: false });
    const started = Date.now();
    await engine.containers.stop(plain, { timeout: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await state(engine, plain)).toMatchObject({ Status: "exited", ExitCode: 137 });
    expect((await engine.containers.list({ all: true })).map((c) => c.status)).toEqual([expect.stringMatching(/^Exited \(137\)/), expect.stringMatching(/^Exited \(143\)/)]);
    await engine.containers.stop(plain); // stopping a stopped container changes nothing
    const events = [];
    for await (const event of engine.system.events({ filters: { type: ["container"], container: [aware] } })) events.push(event.action);
    expect(events).toEqual(["create", "start", "kill", "die", "stop"]);
  });

  it("restarts a running container with a new process, and start -a attaches to a running one", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, "echo hi; exec sleep 300", { stopTimeout: 1 });
    const before = (await state(engine, id)).Pid as number;
    await engine.containers.restart(id, { timeout: 0 });
    const after = await state(engine, id);
    expect(after).toMatchObject({ Status: "running" });
    expect(after.Pid).not.toBe(before);
    expect(isGone(before)).toBe(true);
    const attached = new AbortController();
    const output: string[] = [];
    const attaching = engine.containers.start(id, { stdout: (chunk) => output.push(Buffer.from(chunk).toString()), stderr: () => {}, detach: attached.signal });
    await new Promise((resolve) => setTimeout(resolve, 300));
    attached.abort();
    expect(await attaching).toBeUndefined();
    expect(await state(engine, id)).toMatchObject({ Status: "running" });
    const events: string[] = [];
    for await (const event of engine.system.events({ filters: { type: ["container"] } })) events.push(event.action);
    expect(events).toEqual(["create", "start", "kill", "kill", "die", "stop", "start", "restart"]);
  });

  it("pauses with the freezer and unpauses", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, "while :; do sleep 0.05; done");
    await engine.containers.pause(id);
    const paused = await state(engine, id);
    expect(paused).toMatchObject({ Status: "paused", Running: true, Paused: true });
    expect(["D", "S", "T"]).toContain(procState(paused.Pid as number));
    expect((await engine.containers.list())[0]).toMatchObject({ state: "paused", status: expect.stringMatching(/^Up .* \(Paused\)$/) });
    await expect(engine.containers.start(id)).rejects.toMatchObject({ code: "CONFLICT", message: "cannot start a paused container, try unpause instead" });
    await expect(engine.containers.pause(id)).rejects.toMatchObject({ code: "CONFLICT", message: `Container ${id} is already paused` });
    await engine.containers.unpause(id);
    expect(await state(engine, id)).toMatchObject({ Status: "running", Paused: false });
    await engine.containers.pause(id);
    await engine.containers.stop(id, { timeout: 1 }); // a paused container is thawed after the signal, like docker
    expect(await state(engine, id)).toMatchObject({ Status: "exited", ExitCode: 137 });
  });

  it("kills with a signal, and wait gives the exit code", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, "trap 'exit 42' USR1; while :; do sleep 0.1; done");
    await expect(engine.containers.kill(id, "FOO")).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "Invalid signal: FOO" });
    await engine.containers.kill(id, "USR1");
    expect(await engine.containers.wait(id)).toBe(42);
    await expect.poll(async () => (await state(engine, id)).Status).toBe("exited");
    await expect(engine.containers.kill(id)).rejects.toMatchObject({ code: "CONFLICT", message: `Container ${id} is not running` });
    const again = await runDetached(engine, "exec sleep 300");
    await engine.containers.kill(again);
    expect(await state(engine, again)).toMatchObject({ Status: "exited", ExitCode: 137 });
  });

  it("keeps logs per stream with a timestamp per line, with tail, since and follow", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, "echo one; echo two >&2; echo three");
    expect(await engine.containers.wait(id)).toBe(0);
    const entries = await collect(engine.containers.logs(id));
    // Order within a stream is kept; across streams it depends on when the monitor read each pipe.
    const text = (stream: string) => entries.filter((e) => e.stream === stream).map((e) => Buffer.from(e.line).toString());
    expect(entries).toHaveLength(3);
    expect(text("stdout")).toEqual(["one\n", "three\n"]);
    expect(text("stderr")).toEqual(["two\n"]);
    for (const entry of entries) {
      expect(entry.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
      expect(Math.abs(entry.time.getTime() - Date.now())).toBeLessThan(120_000);
    }
    expect((await collect(engine.containers.logs(id, { tail: 1 }))).map((e) => Buffer.from(e.line).toString())).toEqual([Buffer.from(entries[2]!.line).toString()]);
    expect(await collect(engine.containers.logs(id, { since: new Date(Date.now() + 60_000) }))).toEqual([]);

    const follower = await runDetached(engine, "echo start; sleep 1; echo end");
    const followed = await collect(engine.containers.logs(follower, { follow: true }));
    expect(followed.map((e) => Buffer.from(e.line).toString())).toEqual(["start\n", "end\n"]);
  });

  it("restarts on failure at most N times (on-failure:2)", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, "echo run; exit 3", { restart: "on-failure:2" });
    await expect.poll(async () => {
      const current = await engine.containers.inspect(id) as { State: { Status: string }; RestartCount: number };
      return [current.State.Status, current.RestartCount];
    }, { timeout: 30_000, interval: 200 }).toEqual(["exited", 2]);
    expect(await state(engine, id)).toMatchObject({ ExitCode: 3 });
    const runs = (await collect(engine.containers.logs(id))).map((e) => Buffer.from(e.line).toString());
    expect(runs).toEqual(["run\n", "run\n", "run\n"]);
  });

  it("refuses to remove a running container without force; rm -f -v leaves nothing behind", async () => {
    const container = await freshRoot();
    const { engine } = container;
    const id = await runDetached(engine, "exec sleep 300", { name: "web", volumes: ["/data", "named-vol:/named"] });
    await expect(engine.containers.remove("web")).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'cannot remove container "/web": container is running: stop the container before removing or force remove',
    });
    const inspect = await engine.containers.inspect("web") as { Mounts: Array<Record<string, unknown>>; NetworkSettings: { SandboxKey: string } };
    expect(inspect.Mounts).toEqual(expect.arrayContaining([
      expect.objectContaining({ Type: "volume", Destination: "/data", Driver: "local", Mode: "", RW: true }),
      expect.objectContaining({ Type: "volume", Name: "named-vol", Destination: "/named", Mode: "z" }),
    ]));
    expect(readFileSync("/proc/self/mountinfo", "utf8")).toContain(inspect.NetworkSettings.SandboxKey);
    await engine.containers.remove("web", { force: true, volumes: true });
    await expect(engine.containers.inspect(id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect.poll(() => containerLeftovers(container, id, { isLast: true }), { timeout: 15_000 }).toEqual([]);
    const volumes = await container.engine.system.events({ filters: { type: ["volume"] } });
    const actions: string[] = [];
    for await (const event of volumes) actions.push(`${event.action} ${event.objectId === "named-vol" ? "named" : "anonymous"}`);
    expect(actions).toEqual(["create anonymous", "create named", "destroy anonymous"]);
  });

  it("shows a container whose monitor was SIGKILLed as exited, and starts it again", async () => {
    const container = await freshRoot();
    const { engine } = container;
    const id = await runDetached(engine, "exec sleep 300");
    const before = await engine.containers.inspect(id) as { State: { Pid: number } };
    const monitorPid = Number(readFileSync(`${container.runDir}/c/${id}/monitor.pid`, "utf8"));
    process.kill(monitorPid, "SIGKILL");
    await expect.poll(() => isGone(monitorPid)).toBe(true);
    expect((await engine.containers.list({ all: true }))[0]).toMatchObject({ id, state: "exited", exitCode: 137 });
    expect(isGone(before.State.Pid)).toBe(true);
    await engine.containers.start(id);
    expect(await state(engine, id)).toMatchObject({ Status: "running" });
    await engine.containers.remove(id, { force: true });
    await expect.poll(() => containerLeftovers(container, id, { isLast: true }), { timeout: 15_000 }).toEqual([]);
  });

  it("runs containers side by side: parallel --rm runs all succeed and leave nothing, two starts of one container start it once", async () => {
    const container = await freshRoot();
    const { engine } = container;
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => runAttached(engine, { image: "busybox", cmd: ["sh", "-c", `echo ${i}`], autoRemove: true })));
    expect(runs.map((run) => [run.exitCode, run.stdout])).toEqual(Array.from({ length: 6 }, (_, i) => [0, `${i}\n`]));
    expect(await engine.containers.list({ all: true })).toEqual([]);
    for (const run of runs) await expect.poll(() => containerLeftovers(container, run.id), { timeout: 15_000 }).toEqual([]);

    const { id } = await engine.containers.create({ image: "busybox", cmd: ["sleep", "300"], detach: true });
    const other = await container.reopen();
    await Promise.all([engine.containers.start(id), other.containers.start(id)]);
    const starts: string[] = [];
    for await (const event of engine.system.events({ filters: { type: ["container"], event: ["start"] } })) starts.push(event.objectId);
    expect(starts.filter((started) => started === id)).toHaveLength(1);
    await engine.containers.remove(id, { force: true });
  });
});
