import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

// bin/berth compiles the bundle with V8's code cache in dist/main.cjs.cache. Each test runs a
// copy of bin/ and dist/ (the bundle names its own sources by absolute path, so a copy runs).

const cliDir = resolve(import.meta.dirname, "..");
const copies: string[] = [];
afterAll(() => {
  for (const copy of copies) rmSync(copy, { recursive: true, force: true });
});

function copyOfCli(): { berth: string; cache: string } {
  const copy = mkdtempSync(join(tmpdir(), "berth-bin-"));
  copies.push(copy);
  mkdirSync(join(copy, "bin"));
  mkdirSync(join(copy, "dist"));
  copyFileSync(join(cliDir, "bin", "berth"), join(copy, "bin", "berth"));
  copyFileSync(join(cliDir, "dist", "main.cjs"), join(copy, "dist", "main.cjs"));
  return { berth: join(copy, "bin", "berth"), cache: join(copy, "dist", "main.cjs.cache") };
}

async function berth(path: string, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--", path, ...args]);
  return stdout;
}

function cachedVerbs(cache: string): unknown {
  const file = readFileSync(cache);
  return JSON.parse(file.subarray(0, file.indexOf(10)).toString());
}

describe("bin/berth's code cache", () => {
  it("is written after a verb it does not cover, used as it is for a verb it does", async () => {
    const { berth: bin, cache } = copyOfCli();
    expect(await berth(bin, "version")).toContain("Version:");
    expect(cachedVerbs(cache)).toEqual(["version"]);
    const written = statSync(cache).mtimeMs;
    expect(await berth(bin, "version")).toContain("Version:");
    expect(statSync(cache).mtimeMs, "a cache V8 accepted and that covers the verb stays").toBe(written);
    expect(await berth(bin, "help")).toContain("Usage:");
    expect(cachedVerbs(cache)).toEqual(["version", "help"]);
  });

  it("is replaced when V8 refuses it, starting over from the verb that ran", async () => {
    const { berth: bin, cache } = copyOfCli();
    writeFileSync(cache, `${JSON.stringify(["version", "help"])}\nnot V8's data`);
    expect(await berth(bin, "version")).toContain("Version:");
    expect(cachedVerbs(cache)).toEqual(["version"]);
    expect(readFileSync(cache).length).toBeGreaterThan(100_000);
  });
});
