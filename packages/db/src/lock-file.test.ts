import { execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { isBerthError } from "@berth/core";
import { afterAll, describe, expect, it } from "vitest";
import { processStartTime, withLockFile } from "./lock-file.js";
import { packageRoot } from "./package-paths.js";

const builtLockModule = JSON.stringify(join(packageRoot(), "dist/src/lock-file.js"));
const dirs: string[] = [];
function freshLockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-db-lock-"));
  dirs.push(dir);
  return join(dir, "test.lock");
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A child process that takes the lock and holds it until killed. */
async function startHolder(path: string) {
  const script = `
    const { withLockFile } = await import(${builtLockModule});
    await withLockFile(${JSON.stringify(path)}, async () => {
      process.stdout.write("locked\\n");
      await new Promise(() => setInterval(() => {}, 1000));
    });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
    void exited.then(() => reject(new Error("holder exited early")));
  });
  return { child, exited };
}

describe("withLockFile", () => {
  it("holds the owner's pid and start time while held and removes the file after", async () => {
    const path = freshLockPath();
    await withLockFile(path, async () => {
      const content = JSON.parse(readFileSync(path, "utf8")) as { pid: number; startTime: number };
      expect(content.pid).toBe(process.pid);
      expect(content.startTime).toBe(await processStartTime(process.pid));
    });
    expect(existsSync(path)).toBe(false);
  });

  it("creates the lock's directory when missing", async () => {
    const path = join(freshLockPath(), "..", "run", "berth", "test.lock");
    expect(await withLockFile(path, async () => existsSync(path))).toBe(true);
  });

  it("serializes holders within one process and releases on throw", async () => {
    const path = freshLockPath();
    const log: string[] = [];
    const hold = (name: string) =>
      withLockFile(path, async () => {
        log.push(`${name} in`);
        await sleep(30);
        log.push(`${name} out`);
      });
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace(" in", " out"));
    await expect(withLockFile(path, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await withLockFile(path, () => "free")).toBe("free");
  });

  it("serializes holders across processes", async () => {
    const path = freshLockPath();
    const counter = join(dirname(path), "counter");
    writeFileSync(counter, "0");
    // Each process reads, waits, then writes the counter: without mutual exclusion updates get lost.
    const script = `
      const { readFileSync, writeFileSync } = await import("node:fs");
      const { withLockFile } = await import(${builtLockModule});
      for (let i = 0; i < 5; i++) {
        await withLockFile(${JSON.stringify(path)}, async () => {
          const value = Number(readFileSync(${JSON.stringify(counter)}, "utf8"));
          await new Promise((resolve) => setTimeout(resolve, 5));
          writeFileSync(${JSON.stringify(counter)}, String(value + 1));
        });
      }`;
    const run = promisify(execFile);
    await Promise.all(Array.from({ length: 4 }, () => run(process.execPath, ["--input-type=module", "-e", script])));
    expect(readFileSync(counter, "utf8")).toBe("20");
    expect(readdirSync(dirname(path))).toEqual(["counter"]);
  }, 180_000);

  it("takes over a lock whose owner died", async () => {
    const path = freshLockPath();
    writeFileSync(path, JSON.stringify({ pid: spawnSync("true").pid, startTime: 1, token: "gone" }));
    expect(await withLockFile(path, async () => "acquired")).toBe("acquired");
  });

  it("does not mistake a recycled pid for the owner", async () => {
    const path = freshLockPath();
    const startTime = (await processStartTime(process.pid))!;
    // A lock left by an earlier process that had our pid: same pid, another start time.
    writeFileSync(path, JSON.stringify({ pid: process.pid, startTime: startTime - 1, token: "t" }));
    expect(await withLockFile(path, () => 42, { timeoutMs: 1_000 })).toBe(42);
  });

  it("takes over an empty or garbled lock at once: locks appear whole, so one means a host crash", async () => {
    const path = freshLockPath();
    writeFileSync(path, "");
    expect(await withLockFile(path, async () => "acquired", { timeoutMs: 200 })).toBe("acquired");
  });

  it("keeps waiting while the lock changes hands, past the timeout of one holder", async () => {
    const path = freshLockPath();
    const startTime = (await processStartTime(process.pid))!;
    // Live holders (this process) one after another, each for less than the waiter's timeout.
    const holdAs = (token: string) => {
      writeFileSync(`${path}.next`, JSON.stringify({ pid: process.pid, startTime, token }));
      renameSync(`${path}.next`, path);
    };
    holdAs("first");
    const handOver = (async () => {
      for (const token of ["second", "third"]) {
        await sleep(250);
        holdAs(token);
      }
      await sleep(250);
      unlinkSync(path);
    })();
    const started = Date.now();
    expect(await withLockFile(path, () => "acquired", { timeoutMs: 400 })).toBe("acquired");
    expect(Date.now() - started).toBeGreaterThan(700);
    await handOver;
  });

  it("waits for a live owner, gives up with UNAVAILABLE naming it, and recovers once it is SIGKILLed", async () => {
    const path = freshLockPath();
    const holder = await startHolder(path);
    const error = await withLockFile(path, () => "never", { timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(isBerthError(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toContain(`pid ${holder.child.pid}`);
    holder.child.kill("SIGKILL");
    await holder.exited;
    const started = Date.now();
    expect(await withLockFile(path, () => "recovered", { timeoutMs: 5_000 })).toBe("recovered");
    expect(Date.now() - started).toBeLessThan(1_000);
  }, 60_000);
});
