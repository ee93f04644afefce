import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseProvider } from "./database-url.js";

let root: string | undefined;

/**
 * The directory of @berth/db's package.json: one level above src/ when run from source,
 * two above dist/src/ when compiled. Bundled schemas and migrations live under it in prisma/.
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`@berth/db: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

export function migrationsDir(provider: DatabaseProvider): string {
  return join(packageRoot(), "prisma", provider, "migrations");
}

export function schemaPath(provider: DatabaseProvider): string {
  return join(packageRoot(), "prisma", provider, "schema.prisma");
}
