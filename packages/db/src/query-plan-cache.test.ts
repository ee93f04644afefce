import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { sqliteUrlForRoot } from "./database-url.js";
import type { OpenDatabaseOptions } from "./database.js";
import { packageRoot } from "./package-paths.js";

const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function freshOptions(): OpenDatabaseOptions & { planCacheFile: string } {
  const root = mkdtempSync(join(tmpdir(), "berth-db-plans-"));
  roots.push(root);
  return { url: sqliteUrlForRoot(root), lockDir: root, planCacheFile: join(root, "query-plans.cache") };
}

interface CommandResult {
  /** What the queries returned, as JSON. */
  rows: string;
  /** Whether this process loaded Prisma's query compiler. */
  compilerLoaded: boolean;
}

/**
 * One CLI-like process: opens the database, writes a node and an image with a tag when asked,
 * reads them back through a relation and a filter, and closes.
 */
async function runCommand(options: OpenDatabaseOptions, write: boolean): Promise<CommandResult> {
  const script = `
    const { createRequire } = await import("node:module");
    const { openDatabase } = await import(${JSON.stringify(join(packageRoot(), "dist/src/index.js"))});
    const database = await openDatabase(${JSON.stringify(options)});
    const client = database.client;
    if (${write}) {
      await client.node.create({ data: { id: "n", root: "/r", hostname: "h" } });
      await client.image.create({ data: { nodeId: "n", id: "sha256:aa", size: 7n, created: new Date(0), architecture: "amd64", os: "linux", tags: { create: { name: "docker.io/library/x:1" } } } });
    }
    const images = await client.image.findMany({ where: { nodeId: "n", size: { gt: 1 } }, select: { id: true, created: true, os: true, tags: { select: { name: true } } } });
    const count = await client.tag.count({ where: { name: { startsWith: "docker.io/" } } });
    await database.close();
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes("query_compiler_small_bg"));
    console.log(JSON.stringify({ rows: JSON.stringify({ images, count }), compilerLoaded: loaded }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { cwd: packageRoot() });
  return JSON.parse(stdout) as CommandResult;
}

describe("the query plan cache", () => {
  it("lets a later process run the same queries without loading the compiler, with the same results", async () => {
    const options = freshOptions();
    const first = await runCommand(options, true);
    expect(first.compilerLoaded).toBe(true);
    expect(JSON.parse(first.rows).count).toBe(1);
    const second = await runCommand(options, false);
    expect(second.compilerLoaded).toBe(false);
    expect(second.rows).toBe(first.rows);
  });

  it("loads the compiler for a shape it has not seen and keeps the new plan", async () => {
    const options = freshOptions();
    await runCommand(options, false);
    const before = statSync(options.planCacheFile).size;
    expect((await runCommand(options, true)).compilerLoaded).toBe(true);
    expect(statSync(options.planCacheFile).size).toBeGreaterThan(before);
    expect((await runCommand(options, true).catch((error: Error) => error)).toString()).toContain("Unique constraint");
  });

  it("ignores an unreadable cache file and replaces it", async () => {
    const options = freshOptions();
    writeFileSync(options.planCacheFile, "not a cache");
    const result = await runCommand(options, true);
    expect(JSON.parse(result.rows).count).toBe(1);
    expect(readFileSync(options.planCacheFile).toString()).not.toBe("not a cache");
    expect((await runCommand(options, false)).compilerLoaded).toBe(false);
  });
});
