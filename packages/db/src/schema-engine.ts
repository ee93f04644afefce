// Prisma's schema engine (WebAssembly) driven through driver adapters: `migrate deploy` and
// `migrate diff` without the native engine the Prisma CLI would download. Loaded only when a
// database must be migrated, never on the hot path of opening a current database.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { DiffTarget, MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";
import { sqliteBusyTimeoutMs } from "./database.js";
import { sqliteFilePath, type DatabaseProvider } from "./database-url.js";
import { readMigrationList } from "./migrations.js";
import { migrationsDir, schemaPath } from "./package-paths.js";
import { webAssembly, type WasmExports } from "./webassembly.js";

type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm");

const noSchemaFilter = { externalTables: [], externalEnums: [] };

let loading: Promise<SchemaEngineModule> | undefined;

/**
 * Loads the engine once per process. The package's ESM entry imports its .wasm file directly,
 * which Node 20 refuses, so the wasm-bindgen glue is wired up by hand.
 */
function loadSchemaEngineModule(): Promise<SchemaEngineModule> {
  loading ??= (async () => {
    const glue = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as SchemaEngineModule & {
      __wbg_set_wasm(exports: WasmExports): void;
    };
    const gluePath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const module = await webAssembly.compile(await readFile(gluePath.replace(/\.js$/, ".wasm")));
    const instance = await webAssembly.instantiate(module, { "./schema_engine_bg.js": unrefTimers(glue) });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports["__wbindgen_start"] as (() => void) | undefined)?.();
    return glue;
  })();
  return loading;
}

/**
 * The engine races some operations against timers it never clears (e.g. a 10 s timeout on
 * PostgreSQL's advisory lock), which would keep the process alive after a migration. Its timers
 * are unref'd; withSchemaEngine keeps the process alive while the engine works.
 */
function unrefTimers(glue: object): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...glue };
  for (const [name, value] of Object.entries(glue)) {
    if (!name.startsWith("__wbg_setTimeout_") || typeof value !== "function") continue;
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...a: unknown[]) => { unref?: () => void } | undefined)(...args);
      timer?.unref?.();
      return timer;
    };
  }
  return imports;
}

/**
 * An adapter factory for the engine that remembers every connection it opened (so they can all
 * be closed afterwards) and every driver error (the engine reports them only as "External error
 * id#N").
 */
class TrackingAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly driverErrors: unknown[] = [];
  private readonly opened: SqlDriverAdapter[] = [];

  constructor(
    readonly provider: SqlMigrationAwareDriverAdapterFactory["provider"],
    readonly adapterName: string,
    private readonly open: () => Promise<SqlDriverAdapter>,
    private readonly openShadow: () => Promise<SqlDriverAdapter>,
  ) {}

  async connect(): Promise<SqlDriverAdapter> {
    return this.track(await this.open());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.track(await this.openShadow());
  }

  async disposeAll(): Promise<void> {
    await Promise.allSettled(this.opened.map((adapter) => adapter.dispose()));
  }

  private track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    const record =
      <A, R>(call: (arg: A) => Promise<R>) =>
      async (arg: A): Promise<R> => {
        try {
          return await call(arg);
        } catch (error) {
          this.driverErrors.push(error);
          throw error;
        }
      };
    adapter.queryRaw = record(adapter.queryRaw.bind(adapter));
    adapter.executeRaw = record(adapter.executeRaw.bind(adapter));
    adapter.executeScript = record(adapter.executeScript.bind(adapter));
    const dispose = adapter.dispose.bind(adapter);
    let disposed: Promise<void> | undefined;
    adapter.dispose = () => (disposed ??= dispose());
    this.opened.push(adapter);
    return adapter;
  }
}

function adapterFactoryFor(provider: DatabaseProvider, url: string): TrackingAdapterFactory {
  if (provider === "sqlite") {
    const base = new PrismaBetterSqlite3({ url: sqliteFilePath(url), timeout: sqliteBusyTimeoutMs });
    return new TrackingAdapterFactory(base.provider, base.adapterName, () => base.connect(), async () => {
      // The engine replays migration scripts on the shadow database with executeRaw, which
      // better-sqlite3 limits to one statement; a parameterless call is run as a script instead.
      const shadow = await base.connectToShadowDb();
      const executeRaw = shadow.executeRaw.bind(shadow);
      shadow.executeRaw = async (query) =>
        query.args.length === 0 ? (await shadow.executeScript(query.sql), 0) : executeRaw(query);
      return shadow;
    });
  }
  return new TrackingAdapterFactory(
    "postgres",
    "@prisma/adapter-pg",
    () => connectPostgres(url),
    () => connectPostgresShadow(url),
  );
}

/**
 * A pg pool whose results report PostgreSQL's internal "char" type (OID 18, used by the system
 * catalogs the engine reads to describe a schema) as text, which @prisma/adapter-pg 7.10 cannot
 * map otherwise ("Column type 'char' could not be deserialized from the database").
 */
class CatalogPool extends pg.Pool {
  override query(...args: any[]): any {
    const result: unknown = (super.query as (...a: unknown[]) => unknown)(...args);
    if (!(result instanceof Promise)) return result;
    return result.then((value: { fields?: { dataTypeID: number }[] }) => {
      for (const field of value?.fields ?? []) if (field.dataTypeID === pgInternalChar) field.dataTypeID = pgText;
      return value;
    });
  }
}
const pgInternalChar = 18;
const pgText = 25;

function connectPostgres(url: string): Promise<SqlDriverAdapter> {
  return new PrismaPg(new CatalogPool({ connectionString: url }), { disposeExternalPool: true }).connect();
}

/**
 * A throw-away database beside the target one. PrismaPg's own connectToShadowDb connects to
 * the target again when given a connection string, and never drops what it created.
 */
async function connectPostgresShadow(url: string): Promise<SqlDriverAdapter> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const shadowUrl = new URL(url);
  shadowUrl.pathname = `/${name}`;
  const shadow = await connectPostgres(shadowUrl.toString());
  const dispose = shadow.dispose.bind(shadow);
  shadow.dispose = async () => {
    try {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    } finally {
      await admin.end();
    }
  };
  return shadow;
}

/** Runs `use` with an engine connected to the database at url, then frees it and its connections. */
async function withSchemaEngine<T>(
  provider: DatabaseProvider,
  url: string,
  schema: { path: string; content: string },
  use: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngineModule();
  const factory = adapterFactoryFor(provider, url);
  let engine: SchemaEngine | undefined;
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    engine = await SchemaEngine.new(
      { datamodels: [[schema.path, schema.content]] },
      () => undefined, // log lines; driver errors are what explain a failure
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    return await use(engine);
  } catch (error) {
    const details = factory.driverErrors.map((driverError) => `\n  caused by: ${String(driverError)}`).join("");
    throw new Error(`${error instanceof Error ? error.message : String(error)}${details}`, { cause: error });
  } finally {
    clearInterval(keepAlive);
    engine?.free();
    await factory.disposeAll();
  }
}

async function readSchema(path: string): Promise<{ path: string; content: string }> {
  return { path: "schema.prisma", content: await readFile(path, "utf8") };
}

/**
 * Applies the migrations bundled with this package that the database lacks, recording them in
 * _prisma_migrations as `prisma migrate deploy` does. The caller holds the migration lock.
 */
export async function applyBundledMigrations(provider: DatabaseProvider, url: string): Promise<string[]> {
  const migrationsList = await readMigrationList(migrationsDir(provider));
  const schema = await readSchema(schemaPath(provider));
  const { appliedMigrationNames } = await withSchemaEngine(provider, url, schema, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noSchemaFilter }),
  );
  return appliedMigrationNames;
}

export interface DiffToSchemaOptions {
  provider: DatabaseProvider;
  /** A live database the engine may use: SQLite replays into memory, PostgreSQL into a temporary database. */
  url: string;
  /** Migration folder to start from; default: the bundled one. */
  migrationsDir?: string;
  /** Schema to reach; default: the bundled one. */
  schemaPath?: string;
}

/** The SQL that takes a database from the end of the migrations folder to the schema; null when nothing. */
export async function diffMigrationsToSchema(options: DiffToSchemaOptions): Promise<string | null> {
  const migrations: MigrationList = await readMigrationList(options.migrationsDir ?? migrationsDir(options.provider));
  const from: DiffTarget =
    migrations.migrationDirectories.length === 0 ? { tag: "empty" } : { tag: "migrations", ...migrations };
  const schema = await readSchema(options.schemaPath ?? schemaPath(options.provider));
  const result = await withSchemaEngine(options.provider, options.url, schema, (engine) =>
    engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [schema] },
      script: true,
      exitCode: true,
      filters: noSchemaFilter,
    }),
  );
  return result.exitCode === 2 ? (result.stdout ?? "") : null;
}
