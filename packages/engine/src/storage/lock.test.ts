import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withLock } from "./lock.js";
import { useTempDirs } from "./test-support/temp-dirs.js";

// The lock file itself (cross-process exclusion, stale owners, recycled pids) is tested in
// packages/db/src/lock-file.test.ts; here, the engine's named locks on top of it.
const tempDir = useTempDirs("lock");

describe("withLock", () => {
  it("keeps one file per name under the lock dir, removed after use", async () => {
    const lockDir = join(await tempDir(), "locks");
    const seen = await withLock(lockDir, "images", () => readdir(lockDir));
    expect(seen).toEqual(["images.lock"]);
    expect(await readdir(lockDir)).toEqual([]);
  });

  it("serializes callers of one name and lets other names run", async () => {
    const lockDir = join(await tempDir(), "locks");
    const order: string[] = [];
    const task = (name: string, id: string) =>
      withLock(lockDir, name, async () => {
        order.push(`${id}+`);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${id}-`);
      });
    await Promise.all([task("obj", "a"), task("obj", "b")]);
    expect(order.join("")).toMatch(/^(a\+a-b\+b-|b\+b-a\+a-)$/);
    order.length = 0;
    await Promise.all([task("one", "x"), task("two", "y")]);
    expect(order.slice(0, 2).sort()).toEqual(["x+", "y+"]);
  });

  it("refuses lock names that could leave the lock dir", async () => {
    const lockDir = join(await tempDir(), "locks");
    await expect(withLock(lockDir, "../evil", () => 1)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
