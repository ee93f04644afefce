import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { isBerthError } from "@berth/core";
import { afterAll, describe, expect, it } from "vitest";
import { withLockFile } from "./lock-file.js";
import { packageRoot } from "./package-paths.js";

const dirs: string[] = [];
function freshLockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "berth-db-lock-"));
  dirs.push(dir);
  return join(dir, "test.lock");
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("withLockFile", () => {
  it("holds the owner's pid while held and removes the file after", async () => {
    const path = freshLockPath();
    await withLockFile(path, async () => {
      expect(readFileSync(path, "utf8").split(" ")[0]).toBe(String(process.pid));
    });
    expect(existsSync(path)).toBe(false);
  });

  it("creates the lock's directory when missing", async () => {
    const path = join(freshLockPath(), "..", "run", "berth", "test.lock");
    expect(await withLockFile(path, async () => existsSync(path))).toBe(true);
  });

  it("serializes holders within one process", async () => {
    const path = freshLockPath();
    const log: string[] = [];
    const hold = (name: string) =>
      withLockFile(path, async () => {
        log.push(`${name} in`);
        await sleep(50);
        log.push(`${name} out`);
      });
    await Promise.all([hold("a"), hold("b"), hold("c")]);
    for (let i = 0; i < log.length; i += 2) expect(log[i + 1]).toBe(log[i]!.replace(" in", " out"));
  });

  it("serializes holders across processes", async () => {
    const path = freshLockPath();
    const counter = `${path}.counter`;
    writeFileSync(counter, "0");
    // Each process reads, waits, then writes the counter: without mutual exclusion updates get lost.
    const script = `
      const { readFileSync, writeFileSync } = await import("node:fs");
      const { withLockFile } = await import(${JSON.stringify(join(packageRoot(), "dist/src/lock-file.js"))});
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
  }, 180_000);

  it("takes over a lock whose owner died", async () => {
    const path = freshLockPath();
    writeFileSync(path, `${spawnSync("true").pid} gone`);
    expect(await withLockFile(path, async () => "acquired")).toBe("acquired");
  });

  it("takes over a lock left by this pid in an earlier life", async () => {
    const path = freshLockPath();
    writeFileSync(path, `${process.pid} not-a-token-of-ours`);
    expect(await withLockFile(path, async () => "acquired")).toBe("acquired");
  });

  it("takes over an empty lock once it is old, not while it is fresh", async () => {
    const path = freshLockPath();
    writeFileSync(path, "");
    await expect(withLockFile(path, async () => "acquired", { timeoutMs: 200 })).rejects.toSatisfy((error) =>
      isBerthError(error, "UNAVAILABLE"),
    );
    const past = new Date(Date.now() - 60_000);
    utimesSync(path, past, past);
    expect(await withLockFile(path, async () => "acquired")).toBe("acquired");
  });

  it("waits for a live owner, then gives up with UNAVAILABLE and a hint", async () => {
    const path = freshLockPath();
    writeFileSync(path, `${process.ppid} alive`);
    const error = await withLockFile(path, async () => "acquired", { timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(isBerthError(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toContain(path);
    expect(readFileSync(path, "utf8")).toBe(`${process.ppid} alive`);
  });
});
