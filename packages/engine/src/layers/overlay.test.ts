import { createHash } from "node:crypto";
import { lstat, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { useTempDirs } from "../storage/test-support/temp-dirs.js";
import { mountPointsUnder } from "../storage/mountinfo.js";
import { commitStaged, createStagingDir } from "../storage/staging.js";
import { dumpXattrs } from "./host-tools.js";
import { createLayerLink, layerDir } from "./layer-dirs.js";
import { mountOverlay, planOverlayMount, unmount } from "./overlay.js";
import { applyLayerTar } from "./tar-apply.js";
import { writeLayerTarFromUpper } from "./tar-diff.js";
import { buildTar, chunked, type FixtureEntry } from "./test-support/tar-fixtures.js";

const tempDir = useTempDirs("overlay");
const mounted: string[] = [];
afterEach(async () => {
  for (const target of mounted.splice(0).reverse()) await unmount(target);
});

const links = (n: number) => Array.from({ length: n }, (_, i) => `/var/lib/berth/layers/l/${String(i).padStart(26, "A")}`);

describe("planOverlayMount", () => {
  it("names lowers by their short links, top first, relative to the links dir", () => {
    const plan = planOverlayMount({ lowerLinks: ["/r/layers/l/TOP", "/r/layers/l/MID", "/r/layers/l/BOTTOM"], target: "/r/m" });
    expect(plan).toEqual({ options: "lowerdir=TOP:MID:BOTTOM", cwd: "/r/layers/l" });
  });

  it("stacks a lone read-only layer on an empty lower, since overlay needs two", () => {
    expect(planOverlayMount({ lowerLinks: ["/r/layers/l/ONLY"], target: "/r/m" }).options).toBe("lowerdir=ONLY:empty");
  });

  it("adds upper, work and the options a plain upperdir walk relies on", () => {
    const plan = planOverlayMount({ lowerLinks: ["/r/l/A"], upperDir: "/r/c/upper", workDir: "/r/c/work", target: "/r/c/merged" });
    expect(plan.options).toBe("lowerdir=A,upperdir=/r/c/upper,workdir=/r/c/work,index=off,redirect_dir=off,metacopy=off");
  });

  it("fits 130 layers in one page and refuses what would not fit", () => {
    const plan = planOverlayMount({ lowerLinks: links(130), upperDir: "/var/lib/berth/containers/0123456789ab/upper", workDir: "/var/lib/berth/containers/0123456789ab/work", target: "/m" });
    expect(plan.options.length).toBeLessThanOrEqual(4095);
    expect(() => planOverlayMount({ lowerLinks: links(160), target: "/m" })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  it("refuses malformed requests", () => {
    const bad = [
      { lowerLinks: [], target: "/m" },
      { lowerLinks: ["/a/l/X", "/b/l/Y"], target: "/m" },
      { lowerLinks: ["/a/l/X"], upperDir: "/u", target: "/m" },
      { lowerLinks: ["/a/l/X"], upperDir: "/u,x", workDir: "/w", target: "/m" },
      { lowerLinks: ["/a/l/X"], target: "relative" },
      { lowerLinks: ["/a/l/x:y"], target: "/m" },
    ];
    for (const request of bad) expect(() => planOverlayMount(request), JSON.stringify(request)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });
});

/** Applies a tar as the next layer of a chain, the way the image store will; returns its link. */
async function addLayer(root: string, parentChainId: string | undefined, entries: FixtureEntry[]) {
  const staging = await createStagingDir(root, "layer");
  await mkdir(join(staging, "diff"), { mode: 0o755 });
  const { diffId } = await applyLayerTar(chunked(await buildTar(entries)), join(staging, "diff"));
  const chainId =
    parentChainId === undefined ? diffId : `sha256:${createHash("sha256").update(`${parentChainId} ${diffId}`).digest("hex")}`;
  expect(await commitStaged(staging, layerDir(root, chainId))).toBe("committed");
  return { chainId, link: await createLayerLink(root, chainId) };
}

async function mount(root: string, lowerLinks: string[], upper?: { upperDir: string; workDir: string }) {
  const target = join(root, `merged-${mounted.length}`);
  const plan = planOverlayMount({ lowerLinks, ...upper, target });
  await mountOverlay(plan, target);
  mounted.push(target);
  return { target, plan };
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

describe("overlay mounts", () => {
  it("mounts a stack of 130 layers: bottom and top files visible, a middle whiteout hides a bottom file", async () => {
    const root = await tempDir();
    const stack: string[] = []; // top first
    let chainId: string | undefined;
    for (let i = 0; i < 130; i++) {
      const entries: FixtureEntry[] = [{ name: `layers/${i}`, content: `${i}` }];
      if (i === 0) entries.push({ name: "bottom.txt", content: "bottom" }, { name: "victim.txt", content: "doomed" }, { name: "shared", content: "from bottom" });
      if (i === 65) entries.push({ name: ".wh.victim.txt" });
      if (i === 129) entries.push({ name: "top.txt", content: "top" }, { name: "shared", content: "from top" });
      const layer = await addLayer(root, chainId, entries);
      chainId = layer.chainId;
      stack.unshift(layer.link);
    }
    const { target, plan } = await mount(root, stack);
    expect(plan.options.length).toBeGreaterThan(3500);
    expect(await readFile(join(target, "bottom.txt"), "utf8")).toBe("bottom");
    expect(await readFile(join(target, "top.txt"), "utf8")).toBe("top");
    expect(await readFile(join(target, "shared"), "utf8")).toBe("from top");
    expect(await exists(join(target, "victim.txt"))).toBe(false);
    expect((await readdir(join(target, "layers"))).length).toBe(130);
    await unmount(target);
    await unmount(target); // idempotent
    expect(await mountPointsUnder(root)).toEqual([]);
  }, 120_000);

  it("mounts a lone layer read-only", async () => {
    const root = await tempDir();
    const layer = await addLayer(root, undefined, [{ name: "only", content: "1" }]);
    const { target } = await mount(root, [layer.link]);
    expect(await readFile(join(target, "only"), "utf8")).toBe("1");
    await expect(writeFile(join(target, "new"), "x")).rejects.toMatchObject({ code: "EROFS" });
  });

  it("writes to the upper dir, whose whiteouts and opaque dirs tar-diff turns into a layer", async () => {
    const root = await tempDir();
    const bottom = await addLayer(root, undefined, [
      { name: "a", content: "a" },
      { name: "m", content: "original" },
      { name: "d/", type: "directory", mode: 0o755 },
      { name: "d/x", content: "x" },
      { name: "d/y", content: "y" },
      { name: "keep/", type: "directory", mode: 0o755 },
      { name: "keep/old", content: "old" },
    ]);
    const top = await addLayer(root, bottom.chainId, [{ name: "t", content: "t" }]);
    const container = join(root, "containers", "c1");
    const upperDir = join(container, "upper");
    const workDir = join(container, "work");
    await mkdir(upperDir, { recursive: true, mode: 0o755 });
    await mkdir(workDir, { recursive: true });
    const { target } = await mount(root, [top.link, bottom.link], { upperDir, workDir });
    await writeFile(join(target, "new"), "fresh");
    await writeFile(join(target, "m"), "modified");
    await rm(join(target, "a"));
    await rm(join(target, "d"), { recursive: true });
    await mkdir(join(target, "d"));
    await writeFile(join(target, "d", "z"), "z");
    await rm(join(target, "keep", "old"));
    await unmount(target);

    expect((await readFile(join(upperDir, "new"), "utf8"))).toBe("fresh");
    const whiteout = await lstat(join(upperDir, "a"));
    expect(whiteout.isCharacterDevice() && whiteout.rdev).toBe(0);
    expect((await dumpXattrs(upperDir)).get(join(upperDir, "d"))?.get("trusted.overlay.opaque")?.toString()).toBe("y");

    const chunks: Buffer[] = [];
    const diff = await writeLayerTarFromUpper(upperDir, (chunk) => void chunks.push(Buffer.from(chunk)));
    const tar = Buffer.concat(chunks);
    const staging = await createStagingDir(root, "layer");
    await mkdir(join(staging, "diff"));
    expect((await applyLayerTar(chunked(tar), join(staging, "diff"))).diffId).toBe(diff.diffId);
    expect(tar.toString("latin1")).toContain(".wh.a");
    expect(tar.toString("latin1")).toContain("d/.wh..wh..opq");
    expect(tar.toString("latin1")).toContain("keep/.wh.old");

    // The committed diff stacked on the image shows what the container saw.
    const chainId = `sha256:${createHash("sha256").update(`${top.chainId} ${diff.diffId}`).digest("hex")}`;
    await commitStaged(staging, layerDir(root, chainId));
    const committed = await createLayerLink(root, chainId);
    const view = (await mount(root, [committed, top.link, bottom.link])).target;
    expect((await readdir(view)).sort()).toEqual(["d", "keep", "m", "new", "t"]);
    expect(await readdir(join(view, "d"))).toEqual(["z"]);
    expect(await readdir(join(view, "keep"))).toEqual([]);
    expect(await readFile(join(view, "m"), "utf8")).toBe("modified");
  });
});
