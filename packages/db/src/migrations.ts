import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { MigrationList } from "@prisma/schema-engine-wasm";
import type { DatabaseProvider } from "./database-url.js";
import { migrationsDir } from "./package-paths.js";

export const migrationLockFile = "migration_lock.toml";

/** Names of the migration folders (<timestamp>_<name>), oldest first; none when dir is missing. */
export function migrationNames(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isDirectory() && /^\d{14}_/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

const newestByProvider = new Map<DatabaseProvider, string>();

/** The newest migration shipped with this package: the schema version a current database has. */
export function newestBundledMigration(provider: DatabaseProvider): string {
  let newest = newestByProvider.get(provider);
  if (newest === undefined) {
    newest = migrationNames(migrationsDir(provider)).at(-1);
    if (newest === undefined) throw new Error(`@berth/db: no migrations in ${migrationsDir(provider)}`);
    newestByProvider.set(provider, newest);
  }
  return newest;
}

/** A Prisma Migrate folder, read into the form the schema engine takes. */
export async function readMigrationList(dir: string): Promise<MigrationList> {
  const lockContent = await readFile(join(dir, migrationLockFile), "utf8").catch(() => null);
  const names = migrationNames(dir);
  const migrationDirectories = await Promise.all(
    names.map(async (name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok" as const, value: await readFile(join(dir, name, "migration.sql"), "utf8") },
      },
    })),
  );
  return {
    baseDir: dir,
    lockfile: { path: migrationLockFile, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}
