// Bundles the CLI and everything it imports into one CommonJS file, dist/main.cjs, so a command
// loads one file instead of resolving ~400 modules one by one. It is CommonJS because Node 20
// keeps a compiled-code cache only for scripts: bin/berth compiles it with V8's code cache.
// Modules stay lazy: each one is evaluated only when a command first imports it.
// The bundle runs in place, from this checkout: each module's `import.meta.url` keeps naming
// its own source file, so paths found relative to it (berth-init, migrations, the
// schema engine) stay right. Native addons stay outside the bundle and load from node_modules.
// BUNDLE_META=FILE also writes esbuild's metafile there (what each chunk holds, byte by byte).
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const cliRoot = fileURLToPath(new URL("..", import.meta.url));
const distDir = join(cliRoot, "dist");

function withOwnModuleUrl(source, path) {
  return source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(path).href));
}

const keepModuleUrls = {
  name: "keep-module-urls",
  setup(b) {
    b.onLoad({ filter: /\.(m?js|cjs)$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      return { contents: withOwnModuleUrl(source, args.path), loader: "js" };
    });
  },
};

// Native addons (and pg's optional one) are imported from where their importer would find them.
const nativePackages = /^(better-sqlite3|pg-native)$/;
const importNativeInPlace = {
  name: "import-native-in-place",
  setup(b) {
    b.onResolve({ filter: nativePackages }, (args) => {
      try {
        return { path: createRequire(args.importer).resolve(args.path), external: true };
      } catch {
        return { path: args.path, external: true };
      }
    });
  },
};

await rm(distDir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: `${cliRoot}/src/main.ts` },
  outdir: distDir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: "linked",
  plugins: [keepModuleUrls, importNativeInPlace],
  logLevel: "warning",
  metafile: true,
});
if (process.env["BUNDLE_META"]) await writeFile(process.env["BUNDLE_META"], JSON.stringify(result.metafile));
