import { describe, expect, it } from "vitest";

declare global {
  interface ImportMeta {
    glob(pattern: string | string[], options: { query: "?raw"; import: "default"; eager: true }): Record<string, string>;
  }
}

/** Every non-test source file of core, read by the bundler (no fs needed). */
const sources = import.meta.glob(["./**/*.ts", "!./**/*.test.ts"], { query: "?raw", import: "default", eager: true });

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const allowedPackages = new Set(["zod", "node:crypto"]);

describe("core stays pure (ARCHITECTURE.md: no fs, child_process, net, os, Prisma)", () => {
  it("imports only relative modules, zod and node:crypto", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const [file, text] of Object.entries(sources)) {
      for (const match of text.matchAll(importPattern)) {
        const specifier = match[1] ?? match[2]!;
        if (!specifier.startsWith(".") && !allowedPackages.has(specifier)) offenders.push(`${file}: ${specifier}`);
        if (specifier.startsWith(".") && !specifier.endsWith(".js")) offenders.push(`${file}: ${specifier} (needs .js)`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
