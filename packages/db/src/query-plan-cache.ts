import { createHash } from "node:crypto";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { deserialize, serialize } from "node:v8";
import { webAssembly } from "./webassembly.js";

// Prisma turns every distinct query shape into a plan with a WebAssembly compiler. For a short
// CLI command that was most of its database time: loading the compiler, parsing the schema and a
// dozen compiles cost about 0.4 s of CPU per `run`. A plan depends only on the compiler, the
// schema, the provider, the connection's properties and the shape, so berth keeps the plans it
// has made in a file next to this build and loads the compiler only for a shape it has not seen.
//
// The generated clients take their compiler from `planCachingCompilerWasm` (generate-clients.mjs
// puts it in place of Prisma's loader). Prisma instantiates whatever module that loader returns
// and then uses the runtime's `QueryCompiler` class, so the loader hands it an empty module and
// a caching class that loads the real compiler on its first miss.

type Plan = unknown;

interface CompilerOptions {
  datamodel: string;
  provider: string;
  connectionInfo: unknown;
}

interface QueryCompiler {
  compile(request: string): Plan;
  compileBatch(request: string): Plan;
  free(): void;
}

type QueryCompilerClass = new (options: CompilerOptions) => QueryCompiler;

/** A wasm module whose only content is an exported no-op `__wbindgen_start`, which Prisma calls. */
const EMPTY_START_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: one () -> ()
  ...[0x03, 0x02, 0x01, 0x00], // function section: one function of that type
  ...[0x07, 0x14, 0x01, 0x10, ...Buffer.from("__wbindgen_start"), 0x00, 0x00], // export it
  ...[0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b], // code section: an empty body
]);

const requireHere = createRequire(import.meta.url);
const prismaVersion = (requireHere("@prisma/client/package.json") as { version: string }).version;

/** Plans known to this process, by compiler key (a hash of everything a plan depends on). */
const plansByCompiler = new Map<string, Map<string, Plan>>();
/** Compiler keys of the clients this process made; only their plans are saved. */
const usedCompilers = new Set<string>();
let learnedPlans = false;
const realCompilers = new Map<string, QueryCompilerClass>();

function plansOf(compilerKey: string): Map<string, Plan> {
  let plans = plansByCompiler.get(compilerKey);
  if (plans === undefined) plansByCompiler.set(compilerKey, (plans = new Map()));
  return plans;
}

/** Prisma's own compiler for provider, loaded synchronously the way its generated loader does. */
function realCompiler(provider: string): QueryCompilerClass {
  let compiler = realCompilers.get(provider);
  if (compiler !== undefined) return compiler;
  const base = `@prisma/client/runtime/query_compiler_small_bg.${provider}`;
  const runtime = requireHere(`${base}.js`) as { __wbg_set_wasm(exports: unknown): void; QueryCompiler: QueryCompilerClass };
  const { wasm } = requireHere(`${base}.wasm-base64.js`) as { wasm: string };
  const instance = new webAssembly.Instance(new webAssembly.Module(Buffer.from(wasm, "base64")), {
    "./query_compiler_small_bg.js": runtime,
  });
  runtime.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  realCompilers.set(provider, (compiler = runtime.QueryCompiler));
  return compiler;
}

function cachingCompiler(provider: string): QueryCompilerClass {
  return class CachingQueryCompiler implements QueryCompiler {
    readonly #options: CompilerOptions;
    readonly #plans: Map<string, Plan>;
    #compiler: QueryCompiler | undefined;

    constructor(options: CompilerOptions) {
      this.#options = options;
      const key = createHash("sha256")
        .update(JSON.stringify([prismaVersion, options.provider, options.connectionInfo, options.datamodel]))
        .digest("hex");
      usedCompilers.add(key);
      this.#plans = plansOf(key);
    }

    compile(request: string): Plan {
      return this.#plan(`single ${request}`, (compiler) => compiler.compile(request));
    }

    compileBatch(request: string): Plan {
      return this.#plan(`batch ${request}`, (compiler) => compiler.compileBatch(request));
    }

    free(): void {
      this.#compiler?.free();
      this.#compiler = undefined;
    }

    #plan(shape: string, compile: (compiler: QueryCompiler) => Plan): Plan {
      let plan = this.#plans.get(shape);
      if (plan === undefined) {
        this.#compiler ??= new (realCompiler(provider))(this.#options);
        plan = compile(this.#compiler);
        this.#plans.set(shape, plan);
        learnedPlans = true;
      }
      return plan;
    }
  };
}

/** The `compilerWasm` of a generated client's config: Prisma's compiler behind the plan cache. */
export function planCachingCompilerWasm(provider: string) {
  return {
    getRuntime: async () => ({ __wbg_set_wasm: () => {}, QueryCompiler: cachingCompiler(provider) }),
    getQueryCompilerWasmModule: async () => new webAssembly.Module(EMPTY_START_MODULE),
    importName: "berth-query-plan-cache",
  };
}

function readPlanFile(file: string): Map<string, Map<string, Plan>> {
  try {
    const content: unknown = deserialize(readFileSync(file));
    return content instanceof Map ? (content as Map<string, Map<string, Plan>>) : new Map();
  } catch {
    return new Map(); // none yet, or unreadable: it is only a cache
  }
}

/** Adds the plans kept in file (written by savePlanCache) to this process's. */
export function loadPlanCache(file: string): void {
  for (const [key, plans] of readPlanFile(file)) {
    const known = plansOf(key);
    for (const [shape, plan] of plans) if (!known.has(shape)) known.set(shape, plan);
  }
}

/**
 * Writes this process's plans to file when it made new ones since its last save (stage, then
 * rename: a reader never sees half a file; two writers at once may lose one's new plans, which
 * are made again later).
 * Only compilers of this process are kept, so plans of an older berth do not pile up.
 */
export function savePlanCache(file: string): void {
  if (!learnedPlans) return;
  const stored = readPlanFile(file);
  const merged = new Map<string, Map<string, Plan>>();
  for (const key of usedCompilers) merged.set(key, new Map([...(stored.get(key) ?? []), ...plansOf(key)]));
  const staging = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(staging, serialize(merged));
    renameSync(staging, file);
    learnedPlans = false;
  } catch {
    rmSync(staging, { force: true }); // a full or read-only disk costs the next command its compiles
  }
}
