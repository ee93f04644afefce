// Runs `prisma generate` for each provider schema (written by generate-schemas.mjs) into
// generated/<provider>/. Generating needs no schema engine, but the CLI insists that
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file when it cannot download one.
// --if-missing: only for providers without a generated client (used by typecheck).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const ifMissing = process.argv.includes("--if-missing");

for (const provider of ["sqlite", "postgresql"]) {
  if (ifMissing && existsSync(join(packageDir, "generated", provider, "client.ts"))) continue;
  const result = spawnSync(
    join(packageDir, "node_modules", ".bin", "prisma"),
    ["generate", "--schema", join("prisma", provider, "schema.prisma")],
    {
      cwd: packageDir,
      stdio: "inherit",
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: fileURLToPath(import.meta.url), PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}
