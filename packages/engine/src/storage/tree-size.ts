import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";

/** Bytes in a directory tree (a read-write layer, a volume), hard links counted once; 0 when it is missing. */
export async function treeSize(dir: string, seen = new Set<number>()): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(dir, entry.name);
    const info = await lstat(path).catch(() => undefined);
    if (!info || seen.has(info.ino)) continue;
    seen.add(info.ino);
    total += info.isDirectory() ? await treeSize(path, seen) : info.size;
  }
  return total;
}
