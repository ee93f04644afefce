import { spawnSync } from "node:child_process";
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
    return { url: sqliteUrlForRoot(root), lockDir: root };
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
      expect(await pragma("busy_timeout")).toEqual([{ timeout: 5000n }]);
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

});

