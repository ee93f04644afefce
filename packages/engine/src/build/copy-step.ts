import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { posix } from "node:path";
import { pipeline } from "node:stream/promises";
import { BerthError, findStage, resolveUser, type CopyInstruction } from "@berth/core";
import { fetchUrl, isUrlSource, normalizeSourceUrl } from "../fetch/fetch-url.js";
import { findImage } from "../images/image-lookup.js";
import { detectCompression, openDecompressed } from "../layers/decompress.js";
import { RootResolver } from "../layers/in-root.js";
import { applyLayerTar } from "../layers/tar-apply.js";
import { createStagingDir } from "../storage/staging.js";
import type { BuildRun } from "./build-state.js";
import { checksumSources, matchSources, type SourceEntry, type SourceRoot } from "./copy-sources.js";
import { copyIntoRootfs, copyPreservingPaths, type CopyOwnership } from "./copy-into-rootfs.js";
import { withImageRootfs } from "./step-container.js";

// ADD/COPY before the step's container exists: the sources gathered (context, another stage or
// image for COPY --from, URLs and local tar archives for ADD) into a checksum for the cache key,
// and a `write` that copies them into the step's rootfs.

export interface PreparedCopy {
  checksum: string;
  write(rootfs: string): Promise<void>;
  dispose(): Promise<void>;
}

interface SourceGroup {
  root: SourceRoot;
  entries: SourceEntry[];
  /** A tar archive ADD extracts into the destination directory. */
  isArchive?: boolean;
}

const TAR_MAGIC = Buffer.from("ustar");

async function isArchive(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(263);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    if (detectCompression(head.subarray(0, bytesRead)) !== "none") return true;
    return bytesRead >= 262 && head.subarray(257, 262).equals(TAR_MAGIC);
  } finally {
    await handle.close();
  }
}

export async function copyStep(
  run: BuildRun,
  instruction: CopyInstruction,
  sources: string[],
  dest: string,
  expand: (text: string) => string,
): Promise<PreparedCopy> {
  const { keyword, flags } = instruction;
  const staging = await createStagingDir(run.ctx.paths.root, "build-copy");
  const dispose = () => rm(staging, { recursive: true, force: true });
  try {
    let root: SourceRoot = { dir: run.context.dir, isIgnored: run.context.isIgnored, digest: run.context.digests?.digest };
    if (flags.from !== undefined) {
      // The named sources of the other stage or image, copied out with their paths kept.
      root = { dir: `${staging}/from`, isIgnored: () => false };
      await mkdir(root.dir);
      const target = root.dir;
      await withImageRootfs(run.ctx, run.runtime, await sourceImage(run, flags.from), async (rootfs) => {
        const image = { dir: rootfs, isIgnored: () => false };
        copyPreservingPaths(target, image, sources.flatMap((source) => matchSources(image, source, keyword)));
      });
    }
    const groups: SourceGroup[] = [];
    for (const [index, source] of sources.entries()) {
      if (keyword === "ADD" && isUrlSource(source)) {
        groups.push(await downloadSource(source, `${staging}/url-${index}`));
        continue;
      }
      for (const entry of matchSources(root, source, keyword)) {
        groups.push({ root, entries: [entry], isArchive: keyword === "ADD" && entry.stats.isFile() && (await isArchive(entry.host)) });
      }
    }
    const checksums = await Promise.all(groups.map((group) => checksumSources(group.root, group.entries)));
    const checksum = checksums.length === 1 ? checksums[0]! : `multi:${createHash("sha256").update(checksums.join("\n")).digest("hex")}`;
    const chown = flags.chown === undefined ? undefined : expand(flags.chown);
    const mode = parseChmod(flags.chmod);
    const target = dest.endsWith("/") || groups.length > 1 ? posix.join(dest, "/") : dest;
    return {
      checksum,
      dispose,
      async write(rootfs) {
        const owner: CopyOwnership = { ...ownerOf(rootfs, chown), ...(mode === undefined ? {} : { mode }) };
        for (const group of groups) {
          if (group.isArchive) {
            const extracted = { dir: await extractArchive(staging, group.entries[0]!.host), isIgnored: () => false };
            copyIntoRootfs(rootfs, extracted, matchSources(extracted, ".", keyword), posix.join(dest, "/"), owner);
          } else {
            copyIntoRootfs(rootfs, group.root, group.entries, target, owner);
          }
        }
      },
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** COPY --from: a stage built before, else a stored image (never pulled). */
async function sourceImage(run: BuildRun, text: string): Promise<string> {
  const stage = findStage(run.built, text);
  if (stage !== undefined) {
    if (stage.imageId === undefined) throw new BerthError("INVALID_ARGUMENT", `stage ${text} is empty: nothing to copy from`);
    return stage.imageId;
  }
  try {
    return (await findImage(run.ctx, text)).id;
  } catch (error) {
    throw new BerthError("NOT_FOUND", `invalid from flag value ${text}: ${(error as Error).message}`, {
      hint: "name an earlier stage, or an image that is stored locally (build never pulls)",
    });
  }
}

/** ADD <url>: the file as a source named after the URL's last path element, mode 0600. */
async function downloadSource(url: string, dir: string): Promise<SourceGroup> {
  await mkdir(dir);
  const name = posix.basename(new URL(normalizeSourceUrl(url)).pathname) || "index.html";
  const path = `${dir}/${name}`;
  await pipeline(fetchUrl(url), createWriteStream(path, { mode: 0o600 }));
  const root = { dir, isIgnored: () => false };
  return { root, entries: matchSources(root, name, "ADD") };
}

/** A local tar (possibly compressed) unpacked with berth's own safe layer extraction. */
async function extractArchive(staging: string, path: string): Promise<string> {
  const dir = await mkdtemp(`${staging}/archive-`);
  const { stream } = await openDecompressed(createReadStream(path));
  await applyLayerTar(stream, dir);
  return dir;
}

/** --chown user[:group]: numbers as they are, names from the rootfs's /etc/passwd and /etc/group. */
function ownerOf(rootfs: string, chown: string | undefined): { uid: number; gid: number } {
  if (chown === undefined || chown === "") return { uid: 0, gid: 0 };
  const read = (rel: string) => {
    try {
      return readFileSync(new RootResolver(rootfs).resolveParent(rel, false), "utf8");
    } catch {
      return undefined;
    }
  };
  const user = resolveUser(chown.includes(":") ? chown : `${chown}:${chown}`, read("etc/passwd"), read("etc/group"));
  return { uid: user.uid, gid: user.gid };
}

function parseChmod(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(text)) throw new BerthError("INVALID_ARGUMENT", `invalid chmod parameter: ${text}`);
  return Number.parseInt(text, 8);
}
