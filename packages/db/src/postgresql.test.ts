import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBerthError } from "@berth/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeDatabaseConformance } from "./database.conformance.js";
import { openDatabase } from "./open-database.js";
import { migrationLockKey } from "./postgresql.js";
import { startPostgres, type PostgresServer } from "./test-support/postgres.js";

let server: PostgresServer;
let lockDir: string;
beforeAll(async () => {
  lockDir = mkdtempSync(join(tmpdir(), "berth-db-pg-"));
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  if (lockDir) rmSync(lockDir, { recursive: true, force: true });
});

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describeDatabaseConformance({
  provider: "postgresql",
  async freshDatabase() {
    return { url: await server.createDatabase(), lockDir, planCacheFile: join(lockDir, "query-plans.cache") };
  },
  whileMigrationLockHeld(options, use) {
    return withClient(options.url, async (session) => {
      await session.query("SELECT pg_advisory_lock($1)", [migrationLockKey]);
      try {
        await use();
      } finally {
        await session.query("SELECT pg_advisory_unlock($1)", [migrationLockKey]);
      }
    });
  },
  rawQuery(options, sql) {
    return withClient(options.url, async (client) => (await client.query(sql)).rows);
  },
});

describe("openDatabase on postgresql, specifically", () => {
  it("reports a server it cannot reach as UNAVAILABLE, naming it without the password", async () => {
    const url = `postgresql://berth:s3cret@127.0.0.1:${server.port}/no_such_database`;
    const error = await openDatabase({ url, lockDir }).catch((caught: unknown) => caught);
    expect(isBerthError(error, "UNAVAILABLE")).toBe(true);
    expect((error as Error).message).toContain("postgresql://berth@127.0.0.1:");
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("accepts postgres:// URLs", async () => {
    const url = (await server.createDatabase()).replace(/^postgresql:/, "postgres:");
    const database = await openDatabase({ url, lockDir });
    expect(database.provider).toBe("postgresql");
    await database.close();
  });
});
