import { createWriteStream } from "node:fs";
import { lstat, mkdir, realpath, symlink } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { BerthError } from "@berth/core";

/**
 * Unpack an image archive (docker save output) into a staging dir. Every name is untrusted: it
 * must stay inside the dir after cleaning; symlinks (docker writes `layer.tar -> ../<id>/layer.tar`
 * for repeated layers) are kept only when relative and inside; devices and the like are ignored.
 * Nothing is ever written through a symlink: an entry below one, or onto an existing name, is
 * refused, since a link that points inside where its name says can sit elsewhere once created
 * through an earlier link.
 */
export async function unpackArchive(source: AsyncIterable<Uint8Array>, dir: string): Promise<void> {
  const extract = tarStream.extract();
  const consuming = (async () => {
    for await (const entry of extract) {
      const name = safeArchivePath(entry.header.name);
      const target = join(dir, name);
      await refuseSymlinkedParents(dir, name);
      switch (entry.header.type) {
        case "directory":
          await mkdir(target, { recursive: true });
          entry.resume();
          break;
        case "file":
        case "contiguous-file":
          await mkdir(dirname(target), { recursive: true });
          await pipeline(entry, createWriteStream(target, { flags: "wx", highWaterMark: 1 << 20 })).catch((error: NodeJS.ErrnoException) => {
            throw error.code === "EEXIST" ? invalidArchive(`archive entry ${JSON.stringify(name)} appears twice`) : error;
          });
          break;
        case "symlink": {
          const linkTarget = entry.header.linkname ?? "";
          safeArchivePath(posix.join(posix.dirname(name), linkTarget));
          if (posix.isAbsolute(linkTarget)) throw invalidArchive(`symlink ${name} points outside the archive`);
          await mkdir(dirname(target), { recursive: true });
          await symlink(linkTarget, target);
          entry.resume();
          break;
        }
        default:
          entry.resume();
      }
    }
  })();
  try {
    await pipeline(source, extract);
    await consuming;
  } catch (error) {
    // A refused entry stops the reader, so the pipeline only sees "premature close": report the refusal.
    const refused = await consuming.then(() => undefined, (reason: unknown) => reason);
    if (refused instanceof BerthError) throw refused;
    if (error instanceof BerthError) throw error;
    throw invalidArchive(`unexpected end of archive or invalid tar: ${(error as Error).message}`);
  }
}

/** Refuse a name whose existing parent directories include a symlink (checked before anything is created). */
async function refuseSymlinkedParents(dir: string, name: string): Promise<void> {
  let path = dir;
  for (const part of name.split("/").slice(0, -1)) {
    path = join(path, part);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats) return;
    if (stats.isSymbolicLink()) throw invalidArchive(`archive entry ${JSON.stringify(name)} lies under the symlink ${part}`);
  }
}

export function safeArchivePath(name: string): string {
  const cleaned = posix.normalize(name.replace(/^\.\/+/, ""));
  if (posix.isAbsolute(cleaned) || cleaned === ".." || cleaned.startsWith("../")) {
    throw invalidArchive(`archive entry ${JSON.stringify(name)} points outside the archive`);
  }
  return cleaned;
}

/** Resolve a path named by manifest.json/index.json inside the staging dir, symlinks included. */
export async function resolveInArchive(dir: string, name: string): Promise<string> {
  const path = join(dir, safeArchivePath(name));
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw invalidArchive(`archive is missing ${name}`);
  }
  const realDir = await realpath(dir);
  if (real !== realDir && !real.startsWith(`${realDir}/`)) throw invalidArchive(`${name} points outside the archive`);
  return real;
}

export function invalidArchive(message: string): BerthError {
  return new BerthError("DATA_CORRUPTED", `invalid image archive: ${message}`);
}
