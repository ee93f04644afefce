import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { BerthService, ContainerCreateOptions } from "@berth/core";
import { describe, expect, it } from "vitest";
import { isProcessRunning } from "./host-processes.js";
import { containerLeftovers, useContainerRoots } from "../test-support/container-root.js";

// `system boot` after a simulated host reboot: every process of the root's cgroups (containers,
// monitors, exit commands) SIGKILLed, everything under the root and its run dir unmounted, the
// cgroups and /run/berth/<hash> removed. Then a fresh engine (a new CLI process) boots.

const freshRoot = useContainerRoots();

type State = { Status: string; Pid: number; ExitCode: number; FinishedAt: string };
const state = async (engine: BerthService, id: string) => ((await engine.containers.inspect(id)) as { State: State }).State;

async function started(engine: BerthService, extra: Partial<ContainerCreateOptions> = {}, cmd = ["sleep", "300"]): Promise<string> {
  const { id } = await engine.containers.create({ image: "busybox", cmd, detach: true, ...extra });
  await engine.containers.start(id);
  return id;
}

describe("system boot after a host reboot", () => {
  it("records what died (255, or the monitor's code), starts what the restart policies want, removes --rm leftovers, leaves nothing mounted", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const always = await started(engine, { restart: "always" });
    const unlessStopped = await started(engine, { restart: "unless-stopped" });
    const onFailure = await started(engine, { restart: "on-failure" });
    const plain = await started(engine);
    const autoRemove = await started(engine, { autoRemove: true });
    const stoppedUnless = await started(engine, { restart: "unless-stopped" });
    const stoppedAlways = await started(engine, { restart: "always" });
    for (const id of [stoppedUnless, stoppedAlways]) await engine.containers.stop(id, { timeout: 0 });
    const cleanExit = await started(engine, { restart: "on-failure:3" }, ["true"]);
    expect(await engine.containers.wait(cleanExit)).toBe(0);
    await expect.poll(async () => (await state(engine, cleanExit)).Status, { timeout: 15_000 }).toBe("exited"); // its monitor's cleanup
    const neverStarted = (await engine.containers.create({ image: "busybox", cmd: ["sleep", "300"], restart: "always" })).id;
    const oldPids = new Map(await Promise.all([always, unlessStopped, onFailure, plain].map(async (id) => [id, (await state(engine, id)).Pid] as const)));

    const rebootedAt = Date.now();
    await root.sweep();
    await rm(root.runDir, { recursive: true, force: true });
    for (const pid of oldPids.values()) expect(isProcessRunning(pid)).toBe(false);
    const exitFileCode = (id: string) => {
      const file = `${root.root}/containers/${id}/exit`;
      return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as { exitCode: number }).exitCode : 255;
    };
    const expectedPlain = exitFileCode(plain);

    const booted = await root.reopen();
    const report = await booted.containers.boot();
    expect(report.failed).toEqual([]);
    expect(report.recorded).toEqual([always, unlessStopped, onFailure, plain, autoRemove]);
    expect(report.restarted).toEqual([always, unlessStopped, onFailure, stoppedAlways]);
    expect(report.removed).toEqual([autoRemove]);

    for (const id of [always, unlessStopped, onFailure, stoppedAlways]) {
      const after = await state(booted, id);
      expect(after.Status, id).toBe("running");
      expect(isProcessRunning(after.Pid)).toBe(true);
      expect(after.Pid).not.toBe(oldPids.get(id));
    }
    expect(await state(booted, plain)).toMatchObject({ Status: "exited", ExitCode: expectedPlain, Pid: 0 });
    expect(Date.parse((await state(booted, plain)).FinishedAt)).toBeGreaterThanOrEqual(rebootedAt - 1000);
    expect(await state(booted, stoppedUnless)).toMatchObject({ Status: "exited", ExitCode: 137 });
    expect(await state(booted, cleanExit)).toMatchObject({ Status: "exited", ExitCode: 0 });
    expect(await state(booted, neverStarted)).toMatchObject({ Status: "created" });
    await expect(booted.containers.inspect(autoRemove)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const [summary] = await booted.containers.list({ all: true, filters: { id: [plain] } });
    expect(summary?.status).toMatch(new RegExp(`^Exited \\(${expectedPlain}\\) `));
    // Other containers run again, so only what names this one counts (its kept dir aside).
    const held = (id: string) => containerLeftovers(root, id).filter((item) => item.includes(id) && !item.startsWith(`path ${root.root}/containers/`));
    for (const id of [plain, stoppedUnless, cleanExit, autoRemove]) expect(held(id), id).toEqual([]);

    const again = await booted.containers.boot();
    expect(again).toEqual({ recorded: [], restarted: [], removed: [], failed: [] });
    await booted.containers.start(plain);
    expect(await state(booted, plain)).toMatchObject({ Status: "running" });
    const all = await booted.containers.list({ all: true });
    for (const { id } of all) await booted.containers.remove(id, { force: true });
    for (const { id } of all) await expect.poll(() => containerLeftovers(root, id), { timeout: 15_000 }).toEqual([]);
  }, 240_000);
});
