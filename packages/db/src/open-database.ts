import { join } from "node:path";
import type { Database, OpenDatabaseOptions } from "./database.js";
import { providerOfUrl } from "./database-url.js";
import { packageRoot } from "./package-paths.js";
import { loadPlanCache, savePlanCache } from "./query-plan-cache.js";

/**
 * Opens berth's database, migrating it first when it is new or behind this package's bundled
 * migrations (one process at a time; the others wait and find it current). Opening a current
 * database costs one query of _prisma_migrations. Errors are BerthError: UNAVAILABLE when the
 * database cannot be reached, with the URL minus its password in the message. The client starts
 * with the query plans kept in the plan cache file and close() adds the new ones.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const planCacheFile = options.planCacheFile ?? join(packageRoot(), "dist", `query-plans.${providerOfUrl(options.url)}.cache`);
  loadPlanCache(planCacheFile);
  const database = await openProvider(options);
  let closing: Promise<void> | undefined;
  return { ...database, close: () => (closing ??= database.close().finally(() => savePlanCache(planCacheFile))) };
}

async function openProvider(options: OpenDatabaseOptions): Promise<Database> {
  // Each provider's client and driver load only when that provider is used.
  if (providerOfUrl(options.url) === "sqlite") {
    const { openSqlite } = await import("./sqlite.js");
    return openSqlite(options);
  }
  const { openPostgresql } = await import("./postgresql.js");
  return openPostgresql(options);
}
