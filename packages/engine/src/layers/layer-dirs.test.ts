import { mkdir, readFile, readlink, readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { createLayerLink, layerDiffDir, layerDir, layerLinksDir, readLayerLink, removeLayerDir } from "./layer-dirs.js";

const tempDir = useTempDirs("layer-dirs");
const CHAIN = `sha256:${"ab".repeat(32)}`;

describe("layer dirs", () => {
  it("gives a layer one short link and removes both idempotently", async () => {
    const root = await tempDir();
    expect(layerDiffDir(root, CHAIN)).toBe(join(root, "layers", "ab".repeat(32), "diff"));
    await mkdir(layerDiffDir(root, CHAIN), { recursive: true });
    const link = await createLayerLink(root, CHAIN);
    expect(link).toMatch(new RegExp(`^${join(root, "layers", "l")}/[A-Z0-9]{26}$`));
    expect(await readlink(link)).toBe(`../${"ab".repeat(32)}/diff`);
    expect(await readFile(join(layerDir(root, CHAIN), "link"), "utf8")).toBe(basename(link));
    expect(await createLayerLink(root, CHAIN)).toBe(link);
    expect(await readLayerLink(root, CHAIN)).toBe(basename(link));

    await removeLayerDir(root, CHAIN);
    await removeLayerDir(root, CHAIN);
    expect(await readdir(layerLinksDir(root))).toEqual([]);
    expect(await readdir(join(root, "layers"))).toEqual(["l"]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("rejects chain ids that are not sha256 digests", () => {
    for (const bad of ["sha256:../../etc", "../x", `sha256:${"AB".repeat(32)}`]) {
      expect(() => layerDiffDir("/var/lib/berth", bad)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });
});
