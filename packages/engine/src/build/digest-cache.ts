import { createHash } from "node:crypto";
import { createReadStream, lstatSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

// ADD/COPY checksums read every source file; a rebuild of an unchanged context reads none. The
// sha256 of each context file is kept in the root's build cache, one file per context dir
// (build-cache/<hash of the dir>.json), under a key of what a change of its content changes:
// size, mtime, ctime, inode and device, in nanoseconds. A write moves ctime even when size and
// mtime are put back. A file whose ctime is within RACY_NS of its hashing is not kept (a
// second write in the same clock tick could leave its stat as it was).

const RACY_NS = 1_000_000_000n;

type Entry = [key: string, digest: string];

function statKey(path: string): { key: string; ctimeNs: bigint } {
  const stats = lstatSync(path, { bigint: true });
  return { key: `${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}:${stats.ino}:${stats.dev}`, ctimeNs: stats.ctimeNs };
}

/** The hex sha256 of a file's content, read in full. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export interface DigestCache {
  /** The hex sha256 of the file at `path` (a path in the context dir). */
  digest(path: string): Promise<string>;
  /** Writes back the entries this build used, when any changed. */
  save(): Promise<void>;
}

export async function openDigestCache(root: string, contextDir: string): Promise<DigestCache> {
  const dir = join(root, "build-cache");
  const file = join(dir, `${createHash("sha256").update(contextDir).digest("hex").slice(0, 32)}.json`);
  const loaded = new Map<string, Entry>(Object.entries(await readFile(file, "utf8").then((text) => JSON.parse(text) as Record<string, Entry>, () => ({}))));
  const used = new Map<string, Entry>();
  let isChanged = false;
  return {
    async digest(path) {
      const { key, ctimeNs } = statKey(path);
      const known = loaded.get(path);
      if (known?.[0] === key) {
        used.set(path, known);
        return known[1];
      }
      const digest = await fileDigest(path);
      if (BigInt(Date.now()) * 1_000_000n - ctimeNs > RACY_NS) used.set(path, [key, digest]);
      isChanged = true;
      return digest;
    },
    async save() {
      if (!isChanged && used.size === loaded.size) return;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const staged = `${file}.${process.pid}`;
      await writeFile(staged, JSON.stringify(Object.fromEntries(used)), { mode: 0o600 });
      await rename(staged, file);
    },
  };
}
