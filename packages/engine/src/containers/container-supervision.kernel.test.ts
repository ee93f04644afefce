import { existsSync, readFileSync, readdirSync } from "node:fs";
import type { BerthService } from "@berth/core";
import { describe, expect, it } from "vitest";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";

// `--init` (berth-init as /sbin/docker-init: PID 1 reaps and forwards signals) and a detached
// start whose command cannot run (docker's 127/126, the container left Created).

const freshRoot = useContainerRoots();

type State = { Status: string; Pid: number; ExitCode: number; Error: string };
const state = async (engine: BerthService, id: string) => ((await engine.containers.inspect(id)) as { State: State }).State;

async function runDetached(engine: BerthService, cmd: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const { id } = await engine.containers.create({ image: "busybox", cmd, detach: true, ...extra });
  await engine.containers.start(id);
  return id;
}

/** The host's view of pid's children: `<state> <comm>` each (a zombie is `Z`). */
function childrenOf(pid: number): string[] {
  const children: string[] = [];
  for (const entry of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const [procState, ppid] = stat.slice(close + 2).split(" ");
      if (Number(ppid) === pid) children.push(`${procState} ${stat.slice(stat.indexOf("(") + 1, close)}`);
    } catch {
      // gone meanwhile
    }
  }
  return children.sort();
}

/** Starts `sleep 2` in the background from a shell that exits at once, so the sleep is orphaned to PID 1. */
const ORPHAN_THEN_SLEEP = ["sh", "-c", "sh -c 'sleep 2 &'; exec sleep 300"];

describe("--init", () => {
  it("runs the command under /sbin/docker-init as PID 1, mounted read-only and kept out of the read-write layer", async () => {
    const container = await freshRoot();
    const result = await runAttached(container.engine, {
      image: "busybox", init: true, cmd: ["sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$; touch /sbin/docker-init 2>&1 || echo read-only"],
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const [pid1, self, ...rest] = result.stdout.trim().split("\n");
    expect(pid1).toBe("/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr '\\0' ' '; echo; echo $$; touch /sbin/docker-init 2>&1 || echo read-only ");
    expect(Number(self)).toBeGreaterThan(1);
    expect(rest.at(-1)).toBe("read-only");
    expect(await container.engine.containers.inspect(result.id)).toMatchObject({ Path: "sh", HostConfig: { Init: true } });
    expect(existsSync(`${container.root}/containers/${result.id}/upper/sbin`)).toBe(false);
    const plain = await runAttached(container.engine, { image: "busybox", cmd: ["sh", "-c", "echo $$"] });
    expect(plain.stdout).toBe("1\n");
  });

  it("passes SIGTERM on to a command that has no handler, so stop ends it with 143 instead of waiting to kill it", async () => {
    const { engine } = await freshRoot();
    const id = await runDetached(engine, ["sleep", "300"], { init: true });
    await engine.containers.stop(id, { timeout: 30 });
    expect(await state(engine, id)).toMatchObject({ Status: "exited", ExitCode: 143 });
  }, 60_000);

  it("reaps the orphans the pid namespace hands to PID 1; without --init they stay zombies", async () => {
    const { engine } = await freshRoot();
    const withoutInit = await runDetached(engine, ORPHAN_THEN_SLEEP);
    const plainPid = (await state(engine, withoutInit)).Pid;
    await expect.poll(() => childrenOf(plainPid), { timeout: 15_000 }).toEqual(["Z sleep"]);

    const withInit = await runDetached(engine, ORPHAN_THEN_SLEEP, { init: true });
    const initPid = (await state(engine, withInit)).Pid;
    await expect.poll(() => childrenOf(initPid), { timeout: 15_000 }).toEqual(["S sleep", "S sleep"]);
    await expect.poll(() => childrenOf(initPid), { timeout: 15_000 }).toEqual(["S sleep"]);
    await engine.containers.remove(withoutInit, { force: true });
    await engine.containers.remove(withInit, { force: true });
  }, 60_000);
});

describe("a detached start whose command cannot run", () => {
  it("fails with docker's 127 or 126 error, leaves the container Created with the code and reason, and holds nothing", async () => {
    const container = await freshRoot();
    const { engine } = container;
    const missing = await engine.containers.create({ image: "busybox", cmd: ["nosuchcmd"], detach: true });
    const message = 'unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown';
    await expect(engine.containers.start(missing.id)).rejects.toMatchObject({ code: "COMMAND_NOT_FOUND", message });
    expect(await state(engine, missing.id)).toMatchObject({ Status: "created", ExitCode: 127, Error: message, Pid: 0 });
    expect((await engine.containers.list({ all: true }))[0]).toMatchObject({ id: missing.id, status: "Created" });
    await expect(engine.containers.start(missing.id)).rejects.toMatchObject({ code: "COMMAND_NOT_FOUND" });

    const notExecutable = await engine.containers.create({ image: "busybox", cmd: ["/etc/passwd"], detach: true });
    await expect(engine.containers.start(notExecutable.id)).rejects.toMatchObject({
      code: "COMMAND_NOT_EXECUTABLE", message: 'unable to start container process: exec: "/etc/passwd": permission denied: unknown',
    });
    expect(await state(engine, notExecutable.id)).toMatchObject({ Status: "created", ExitCode: 126 });
    for (const id of [missing.id, notExecutable.id]) {
      // The monitor's exit command may still be finding the run recorded already.
      const held = () => containerLeftovers(container, id).filter((item) => !item.startsWith(`path ${container.root}/containers/`));
      await expect.poll(held, { timeout: 15_000 }).toEqual([]);
    }
    const quick = await runDetached(engine, ["sh", "-c", "exit 127"]);
    expect(await engine.containers.wait(quick)).toBe(127);
  }, 60_000);

  it("fails an attached start the same way once the run has ended, and leaves the container Created", async () => {
    const { engine } = await freshRoot();
    const missing = await engine.containers.create({ image: "busybox", cmd: ["nosuchcmd"] });
    const message = 'unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown';
    await expect(engine.containers.start(missing.id, { stdout: () => {}, stderr: () => {} })).rejects.toMatchObject({ code: "COMMAND_NOT_FOUND", message });
    expect(await state(engine, missing.id)).toMatchObject({ Status: "created", ExitCode: 127, Error: message, Pid: 0 });
    const own = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "exit 127"] });
    expect(own.exitCode).toBe(127);
    expect(await state(engine, own.id)).toMatchObject({ Status: "exited", ExitCode: 127 });
  }, 60_000);

  it("takes a command that prints berth-init's own exec message and exits 127 for a normal exit, detached or attached", async () => {
    const { engine } = await freshRoot();
    const lookalike = ["sh", "-c", 'echo \'berth-init: exec: "x": executable file not found in $PATH\' >&2; exit 127'];
    const detached = await runDetached(engine, lookalike);
    expect(await engine.containers.wait(detached)).toBe(127);
    expect(await state(engine, detached)).toMatchObject({ Status: "exited", ExitCode: 127, Error: "" });
    const attached = await runAttached(engine, { image: "busybox", cmd: lookalike });
    expect(attached).toMatchObject({ exitCode: 127, stderr: 'berth-init: exec: "x": executable file not found in $PATH\n' });
    expect(await state(engine, attached.id)).toMatchObject({ Status: "exited", ExitCode: 127, Error: "" });
  }, 60_000);
});
