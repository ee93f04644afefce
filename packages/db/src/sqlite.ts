import { basename, join } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import BetterSqlite3 from "better-sqlite3";
import { PrismaClient } from "../generated/sqlite/client.js";
import {
  compareSchemaVersion,
  databaseTooNew,
  databaseUnavailable,
  migrationFailed,
  newestAppliedMigrationSql,
  type Database,
  sqliteBusyTimeoutMs,
  type OpenDatabaseOptions,
} from "./database.js";
import { sqliteFilePath } from "./database-url.js";
import { withLockFile } from "./lock-file.js";
import { withWriteTransactions } from "./sqlite-write-transactions.js";
import { newestBundledMigration } from "./migrations.js";

export async function openSqlite({ url, lockDir }: OpenDatabaseOptions): Promise<Database> {
  const path = sqliteFilePath(url);
  const newest = newestBundledMigration("sqlite");
  let applied = readSchemaVersion(url, path);
  if (compareSchemaVersion(applied, newest) !== "current") {
    applied = await withLockFile(migrationLockPath(lockDir, url), () => migrateLocked(url, path, newest));
  }
  if (compareSchemaVersion(applied, newest) === "ahead") throw databaseTooNew(url, applied!, newest);
  const client = new PrismaClient({
    adapter: withWriteTransactions(new PrismaBetterSqlite3({ url: path, timeout: sqliteBusyTimeoutMs })),
  });
  let closing: Promise<void> | undefined;
  return {
    client,
    provider: "sqlite",
    schemaVersion: applied ?? newest,
    close: () => (closing ??= client.$disconnect()),
  };
}

/** The lock file that serializes migrations of the database at url. */
export function migrationLockPath(lockDir: string, url: string): string {
  return join(lockDir, `${basename(sqliteFilePath(url))}.migrate.lock`);
}

/** Under the migration lock: someone may have migrated while we waited. */
async function migrateLocked(url: string, path: string, newest: string): Promise<string | null> {
  const applied = readSchemaVersion(url, path);
  if (compareSchemaVersion(applied, newest) !== "behind") return applied;
  const { applyBundledMigrations } = await import("./schema-engine.js");
  try {
    await applyBundledMigrations("sqlite", url);
  } catch (error) {
    throw migrationFailed(url, error);
  }
  return readSchemaVersion(url, path);
}

/**
 * The hot path: one query of _prisma_migrations on a short-lived connection, which also turns
 * WAL on (a persistent property of the file). null for a new database.
 */
function readSchemaVersion(url: string, path: string): string | null {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { timeout: sqliteBusyTimeoutMs });
  } catch (error) {
    throw databaseUnavailable(url, error);
  }
  try {
    db.pragma("journal_mode = WAL");
    try {
      const row = db.prepare<[], { migration_name: string }>(newestAppliedMigrationSql).get();
      return row?.migration_name ?? null;
    } catch (error) {
      const hasTable = db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'")
        .get();
      if (hasTable === undefined) return null;
      throw error;
    }
  } catch (error) {
    throw databaseUnavailable(url, error);
  } finally {
    db.close();
  }
}
