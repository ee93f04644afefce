// The committed migrations must build exactly the schema: the schema engine's diff from the
// migrations folder to schema.prisma is empty, for each provider. (After a model change, run
// `pnpm build && node scripts/make-migration.mjs <name>`.)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diffMigrationsToSchema } from "./schema-engine.js";
import { startPostgres, type PostgresServer } from "./test-support/postgres.js";

let server: PostgresServer;
let scratchDir: string;
beforeAll(async () => {
  scratchDir = mkdtempSync(join(tmpdir(), "berth-db-agreement-"));
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
});

describe("schema.prisma and the migrations", () => {
  it("agree for sqlite", async () => {
    const url = `file:${join(scratchDir, "scratch.db")}`;
    expect(await diffMigrationsToSchema({ provider: "sqlite", url })).toBeNull();
  });

  it("agree for postgresql", async () => {
    const url = await server.createDatabase();
    expect(await diffMigrationsToSchema({ provider: "postgresql", url })).toBeNull();
  });
});
