// Runs `prisma generate` for each provider schema (written by generate-schemas.mjs) into
// generated/<provider>/. Generating needs no schema engine, but the CLI insists that
// PRISMA_SCHEMA_ENGINE_BINARY names an existing file when it cannot download one.
// --if-missing: only for providers without a generated client (used by typecheck).
// Each client then takes its query compiler from src/query-plan-cache.ts instead of Prisma's
// loader (see there why).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
  useCachingCompiler(provider);
}

/** Replaces the generated compiler loader (and its base64 decoder) by planCachingCompilerWasm. */
function useCachingCompiler(provider) {
  const file = join(packageDir, "generated", provider, "internal", "class.ts");
  const loader = /async function decodeBase64AsWasm\([\s\S]*?\n\}\n\nconfig\.compilerWasm = \{[\s\S]*?\n\}\n/;
  const source = readFileSync(file, "utf8");
  if (!loader.test(source)) throw new Error(`${file}: Prisma's compiler loader changed; update generate-clients.mjs`);
  const replaced = source
    .replace(loader, `config.compilerWasm = planCachingCompilerWasm(${JSON.stringify(provider)})\n`)
    .replace(/^import \* as runtime from .*$/m, (line) => `${line}\nimport { planCachingCompilerWasm } from "../../../src/query-plan-cache.js"`);
  writeFileSync(file, replaced);
}
