import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBerthError } from "@berth/core";
import BetterSqlite3 from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { describeDatabaseConformance } from "./database.conformance.js";
import { sqliteUrlForRoot } from "./database-url.js";
import { newestBundledMigration } from "./migrations.js";
import { openDatabase } from "./open-database.js";
import { withLockFile } from "./lock-file.js";
import { migrationLockPath } from "./sqlite.js";
import { packageRoot } from "./package-paths.js";

const roots: string[] = [];
function freshRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "berth-db-sqlite-"));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function rawQuery(url: string, sql: string): Record<string, unknown>[] {
  const db = new BetterSqlite3(url.slice("file:".length));
  try {
    const statement = db.prepare(sql);
    return statement.reader ? (statement.all() as Record<string, unknown>[]) : (statement.run(), []);
  } finally {
    db.close();
  }
}

describeDatabaseConformance({
  provider: "sqlite",
  async freshDatabase() {
    const root = freshRoot();
    return { url: sqliteUrlForRoot(root), lockDir: root, planCacheFile: join(root, "query-plans.cache") };
  },
  async whileMigrationLockHeld(options, use) {
    // Held by this live process, which an open (here or elsewhere) must wait for.
    await withLockFile(migrationLockPath(options.lockDir, options.url), use);
  },
  async rawQuery(options, sql) {
    return rawQuery(options.url, sql);
  },
});

describe("openDatabase on sqlite, specifically", () => {
  it("names the database file of a root", () => {
    expect(sqliteUrlForRoot("/var/lib/berth")).toBe("file:/var/lib/berth/berth.db");
  });

  it("turns on WAL, a busy timeout and foreign keys", async () => {
    const root = freshRoot();
    const database = await openDatabase({ url: sqliteUrlForRoot(root), lockDir: root });
    try {
      const pragma = (name: string) => database.client.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`);
      expect(await pragma("journal_mode")).toEqual([{ journal_mode: "wal" }]);
      expect(await pragma("busy_timeout")).toEqual([{ timeout: 30000n }]);
      expect(await pragma("foreign_keys")).toEqual([{ foreign_keys: 1n }]);
    } finally {
      await database.close();
    }
  });

  it("reports a database it cannot reach as UNAVAILABLE, naming it", async () => {
    const url = "file:/nonexistent/berth/berth.db";
    const error = await openDatabase({ url, lockDir: tmpdir() }).catch((caught: unknown) => caught);
    expect(isBerthError(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toContain(url);
  });

  it("takes over a migration lock whose owner died", async () => {
    const root = freshRoot();
    const options = { url: sqliteUrlForRoot(root), lockDir: root };
    const deadPid = spawnSync("true").pid;
    writeFileSync(migrationLockPath(root, options.url), `${deadPid} crashed`);
    const database = await openDatabase(options);
    expect(database.schemaVersion).toBe(newestBundledMigration("sqlite"));
    await database.close();
  });

  it("waits for another process's write lock in a transaction that reads before it writes", async () => {
    const root = freshRoot();
    const url = sqliteUrlForRoot(root);
    const database = await openDatabase({ url, lockDir: root });
    try {
      // Another process takes the write lock and keeps it for a second.
      const holder = spawn(process.execPath, ["-e", `
        const db = new (require("better-sqlite3"))(${JSON.stringify(url.slice("file:".length))});
        db.prepare("BEGIN IMMEDIATE").run();
        db.prepare("INSERT INTO Node (id, root, hostname) VALUES ('other', '/o', 'h')").run();
        process.stdout.write("locked\\n");
        setTimeout(() => { db.prepare("COMMIT").run(); db.close(); }, 1000);`], { cwd: packageRoot(), stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((resolve, reject) => {
        holder.stdout.once("data", () => resolve());
        holder.once("exit", (code) => reject(new Error(`the lock holder exited with ${code}`)));
      });
      const started = Date.now();
      const count = await database.client.$transaction(async (tx) => {
        const before = await tx.node.count();
        await tx.node.create({ data: { id: "mine", root: "/m", hostname: "h" } });
        return before;
      });
      expect(Date.now() - started).toBeGreaterThan(500);
      expect(count).toBe(1);
      expect(await database.client.node.count()).toBe(2);
    } finally {
      await database.close();
    }
  });
});

