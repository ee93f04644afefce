import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/postgresql/client.js";
import {
  compareSchemaVersion,
  databaseTooNew,
  databaseUnavailable,
  migrationFailed,
  newestAppliedMigrationSql,
  type BerthPrismaClient,
  type Database,
  type OpenDatabaseOptions,
} from "./database.js";
import { newestBundledMigration } from "./migrations.js";

/** Key of the session-level advisory lock that serializes berth's migrations of one database. */
export const migrationLockKey = 0x6265727468; // "berth"
const undefinedTable = "42P01";

export async function openPostgresql({ url }: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection the server drops must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  try {
    const newest = newestBundledMigration("postgresql");
    let applied = await readSchemaVersion(url, pool);
    if (compareSchemaVersion(applied, newest) !== "current") applied = await migrateLocked(url, pool, newest);
    if (compareSchemaVersion(applied, newest) === "ahead") throw databaseTooNew(url, applied!, newest);
    const client = new PrismaClient({ adapter: new PrismaPg(pool) }) as unknown as BerthPrismaClient;
    let closing: Promise<void> | undefined;
    return {
      client,
      provider: "postgresql",
      schemaVersion: applied ?? newest,
      close: () => (closing ??= client.$disconnect().finally(() => pool.end())),
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/** Holds pg_advisory_lock on one pooled session while checking again and migrating. */
async function migrateLocked(url: string, pool: pg.Pool, newest: string): Promise<string | null> {
  let session: pg.PoolClient;
  try {
    session = await pool.connect();
  } catch (error) {
    throw databaseUnavailable(url, error);
  }
  try {
    await session.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
    const applied = await readSchemaVersion(url, session);
    if (compareSchemaVersion(applied, newest) !== "behind") return applied;
    const { applyBundledMigrations } = await import("./schema-engine.js");
    try {
      await applyBundledMigrations("postgresql", url);
    } catch (error) {
      throw migrationFailed(url, error);
    }
    return await readSchemaVersion(url, session);
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]).catch(() => undefined);
    session.release();
  }
}

/** The hot path: one query of _prisma_migrations. null for a database berth never migrated. */
async function readSchemaVersion(url: string, db: pg.Pool | pg.PoolClient): Promise<string | null> {
  try {
    const result = await db.query<{ migration_name: string }>(newestAppliedMigrationSql);
    return result.rows[0]?.migration_name ?? null;
  } catch (error) {
    if ((error as { code?: unknown }).code === undefinedTable) return null;
    throw databaseUnavailable(url, error);
  }
}
