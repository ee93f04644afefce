import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The arrows of docs/architecture.md, enforced: which berth package may import which, and that only
 * the engine spawns processes (core's own purity test keeps it free of side effects).
 */
const repo = join(import.meta.dirname, "../../..");

const allowed: Record<string, string[]> = {
  core: [],
  db: ["core"],
  engine: ["core", "db"],
  cli: ["core", "engine"],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "dist" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]!);
}

const packageDirs: Record<string, string> = {
  core: "packages/core/src",
  db: "packages/db/src",
  engine: "packages/engine/src",
  cli: "apps/cli/src",
};

describe("import rules", () => {
  for (const [name, dir] of Object.entries(packageDirs)) {
    it(`${name} imports ${allowed[name]!.length > 0 ? `only ${allowed[name]!.join(", ")}` : "no other package"} of berth`, () => {
      const offenders = sourceFiles(join(repo, dir)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => spec.startsWith("@berth/"))
          // a test may start what a lower package's test-support offers (a private PostgreSQL)
          .filter((spec) => !(/\.test\.ts$/.test(file) && spec.endsWith("/test-support")))
          .map((spec) => spec.slice("@berth/".length).split("/")[0]!)
          .filter((target) => target !== name && !allowed[name]!.includes(target))
          .map((target) => `${relative(repo, file)} -> @berth/${target}`),
      );
      expect(offenders).toEqual([]);
    });
  }

  it("only the engine spawns processes", () => {
    const offenders = ["core", "db", "cli"].flatMap((name) =>
      sourceFiles(join(repo, packageDirs[name]!)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(node:)?child_process$|^execa$/.test(spec))
          .filter(() => !/test-support|\.(test|conformance)\.ts$/.test(file))
          .map((spec) => `${relative(repo, file)} -> ${spec}`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
