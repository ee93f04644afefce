import { BerthError } from "@berth/core";
import type { PrismaClient } from "../generated/sqlite/client.js";
import { redactUrl, type DatabaseProvider } from "./database-url.js";

/**
 * The client of berth's models. Typed as the SQLite client; the PostgreSQL client has the same
 * model API and is cast to this type once, when it is opened.
 */
export type BerthPrismaClient = PrismaClient;

export interface Database {
  client: BerthPrismaClient;
  provider: DatabaseProvider;
  /** Name of the newest applied migration, e.g. 20261129125553_init. */
  schemaVersion: string;
  /** Disconnects; calling it again does nothing. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** file:/path/berth.db, postgres://… or postgresql://… */
  url: string;
  /** A directory where a migration lock file may be created (SQLite). */
  lockDir: string;
  /**
   * The file that keeps Prisma's query plans between processes (src/query-plan-cache.ts). By
   * default dist/query-plans.<provider>.cache in this package: a plan depends only on this build,
   * so every root and every process of it shares them.
   */
  planCacheFile?: string;
}

/**
 * How long a SQLite connection waits for another writer before failing with SQLITE_BUSY: as long
 * as berth's lock files wait, since a burst of CLI processes on a loaded host queues its writes.
 */
export const sqliteBusyTimeoutMs = 30_000;

export function databaseUnavailable(url: string, cause: unknown): BerthError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BerthError("UNAVAILABLE", `cannot open database ${redactUrl(url)}: ${reason}`, { cause });
}

export function databaseTooNew(url: string, applied: string, newest: string): BerthError {
  return new BerthError(
    "UNAVAILABLE",
    `database ${redactUrl(url)} has schema version ${applied}, newer than this berth knows (${newest})`,
    { hint: "upgrade berth on this host to the version that migrated the database" },
  );
}

export function migrationFailed(url: string, cause: unknown): BerthError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new BerthError("INTERNAL", `cannot migrate database ${redactUrl(url)}: ${reason}`, {
    cause,
    hint: "the database needs a look by hand; a failed migration is recorded in its _prisma_migrations table",
  });
}

/**
 * What a database with this newest applied migration needs: nothing (current), the bundled
 * migrations (behind, including a new database: null), or a newer berth (ahead).
 */
export function compareSchemaVersion(applied: string | null, newest: string): "current" | "behind" | "ahead" {
  if (applied === newest) return "current";
  return applied !== null && applied > newest ? "ahead" : "behind";
}

/** Newest migration fully applied and not rolled back; names start with a UTC timestamp. */
export const newestAppliedMigrationSql =
  "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL " +
  "ORDER BY migration_name DESC LIMIT 1";
