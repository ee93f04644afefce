import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processStartTime, withLock } from "./lock.js";
import { compileForChild } from "./test-support/compile-for-child.js";
import { useTempDirs } from "./test-support/temp-dirs.js";

const tempDir = useTempDirs("lock");
let lockModuleUrl: string;
let compiledDir: string;

beforeAll(async () => {
  compiledDir = await mkdtemp(join(tmpdir(), "berth-lock-module-"));
  lockModuleUrl = await compileForChild(fileURLToPath(new URL("./lock.ts", import.meta.url)), compiledDir);
}, 30_000);
afterAll(() => rm(compiledDir, { recursive: true, force: true }));

function runChild(script: string, args: string[]) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, "--", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, "exit").then(([code]) => ({ code: code as number | null, stderr }));
  return { child, exited };
}

const incrementScript = () => `
  import { readFileSync, writeFileSync } from "node:fs";
  const { withLock } = await import(${JSON.stringify(lockModuleUrl)});
  const [lockDir, counter, rounds] = process.argv.slice(1);
  for (let i = 0; i < Number(rounds); i++) {
    await withLock(lockDir, "counter", async () => {
      const value = Number(readFileSync(counter, "utf8"));
      await new Promise((resolve) => setTimeout(resolve, 1));
      writeFileSync(counter, String(value + 1));
    });
  }
`;

const holdScript = () => `
  const { withLock } = await import(${JSON.stringify(lockModuleUrl)});
  await withLock(process.argv[1], "store", async () => {
    process.stdout.write("locked\\n");
    await new Promise(() => setInterval(() => {}, 1000));
  });
`;

async function startHolder(lockDir: string) {
  const holder = runChild(holdScript(), [lockDir]);
  await new Promise<void>((resolve, reject) => {
    holder.child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve());
    void holder.exited.then((r) => reject(new Error(`holder exited early: ${r.stderr}`)));
  });
  return holder;
}

describe("withLock", () => {
  it("serializes concurrent processes (no lost increments)", async () => {
    const dir = await tempDir();
    const counter = join(dir, "counter");
    await writeFile(counter, "0");
    const children = [1, 2, 3, 4, 5].map(() => runChild(incrementScript(), [join(dir, "locks"), counter, "20"]));
    const results = await Promise.all(children.map((c) => c.exited));
    expect(results.map((r) => r.stderr).join("")).toBe("");
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    expect(await readFile(counter, "utf8")).toBe("100");
    expect(await readdir(join(dir, "locks"))).toEqual([]);
  });

  it("times out with UNAVAILABLE naming a live holder, then recovers once the holder is SIGKILLed", async () => {
    const lockDir = join(await tempDir(), "locks");
    const holder = await startHolder(lockDir);
    const error = await withLock(lockDir, "store", () => "never", { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNAVAILABLE" });
    expect((error as Error).message).toContain(`pid ${holder.child.pid}`);

    holder.child.kill("SIGKILL");
    await holder.exited;
    const started = Date.now();
    expect(await withLock(lockDir, "store", () => "recovered", { timeoutMs: 5_000 })).toBe("recovered");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await readdir(lockDir)).toEqual([]);
  });

  it("does not mistake a recycled pid for the owner", async () => {
    const lockDir = join(await tempDir(), "locks");
    await withLock(lockDir, "x", () => undefined);
    const startTime = (await processStartTime(process.pid))!;
    // A lock left by an earlier process that had our pid: same pid, different start time.
    await writeFile(join(lockDir, "x.lock"), JSON.stringify({ pid: process.pid, startTime: startTime - 1, token: "t" }));
    expect(await withLock(lockDir, "x", () => 42, { timeoutMs: 1_000 })).toBe(42);
  });

  it("serializes callers inside one process and releases on throw", async () => {
    const lockDir = join(await tempDir(), "locks");
    const order: string[] = [];
    const task = (id: string) =>
      withLock(lockDir, "obj", async () => {
        order.push(`${id}+`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${id}-`);
      });
    await Promise.all([task("a"), task("b")]);
    expect(order.join("")).toMatch(/^(a\+a-b\+b-|b\+b-a\+a-)$/);
    await expect(withLock(lockDir, "obj", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await withLock(lockDir, "obj", () => "free")).toBe("free");
    await expect(withLock(lockDir, "../evil", () => 1)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
