import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const sourceDir = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return [...text.matchAll(/\bfrom\s+"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/g)].map((match) => match[1] ?? match[2]!);
}

describe("apps/cli imports", () => {
  // Which packages the CLI may import is checked for every package in tooling/architecture.
  it("name relative modules with their .js extension", () => {
    for (const file of sourceFiles(sourceDir)) {
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith(".")) expect(specifier, relative(sourceDir, file)).toMatch(/\.js$/);
      }
    }
  });

  it("load the engine in one place, lazily, so `berth version` never opens it", () => {
    for (const file of sourceFiles(sourceDir)) {
      const text = readFileSync(file, "utf8");
      const name = relative(sourceDir, file);
      expect(text, name).not.toMatch(/from\s+"@berth\/engine"/);
      if (name !== "main.ts") expect(text, name).not.toContain('import("@berth/engine")');
    }
  });
});
