import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";

/**
 * Transpiles one self-contained engine module to plain ESM in `dir` so that `node -e` child
 * processes can import the real code (Node 20 cannot load .ts). Its "@berth/core" import is
 * pointed at core's built output.
 */
export async function compileForChild(sourcePath: string, dir: string): Promise<string> {
  const source = await readFile(sourcePath, "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const coreUrl = pathToFileURL(createRequire(import.meta.url).resolve("@berth/core")).href;
  const out = join(dir, "module.mjs");
  await writeFile(out, outputText.replaceAll('"@berth/core"', JSON.stringify(coreUrl)));
  return pathToFileURL(out).href;
}
