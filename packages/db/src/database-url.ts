import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BerthError } from "@berth/core";

export type DatabaseProvider = "sqlite" | "postgresql";

/** file:<root>/berth.db, the embedded database of a berth root. */
export function sqliteUrlForRoot(root: string): string {
  return `file:${join(resolve(root), "berth.db")}`;
}

export function providerOfUrl(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgresql";
  throw new BerthError("INVALID_ARGUMENT", `unsupported database URL ${redactUrl(url)}`, {
    hint: "use file:/path/berth.db for SQLite or postgresql://user@host/db for PostgreSQL",
  });
}

/** The path of a file: URL (file:/abs, file:rel, file:///abs), without query parameters. */
export function sqliteFilePath(url: string): string {
  const withoutQuery = url.replace(/\?.*$/, "");
  if (withoutQuery.startsWith("file://")) return fileURLToPath(withoutQuery);
  const path = withoutQuery.slice("file:".length);
  return isAbsolute(path) ? path : resolve(path);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "file:") return url;
    parsed.password = "";
    parsed.searchParams.delete("password");
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1@");
  }
}
