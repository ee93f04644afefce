import { createWriteStream } from "node:fs";
import { mkdir, realpath, symlink } from "node:fs/promises";
import { dirname, join, posix } from "node:path";
import { pipeline } from "node:stream/promises";
import tarStream from "tar-stream";
import { BerthError } from "@berth/core";

/**
 * Unpack an image archive (docker save output) into a staging dir. Every name is untrusted: it
 * must stay inside the dir after cleaning; symlinks (docker writes `layer.tar -> ../<id>/layer.tar`
 * for repeated layers) are kept only when relative and inside; devices and the like are ignored.
 */
export async function unpackArchive(source: AsyncIterable<Uint8Array>, dir: string): Promise<void> {
  const extract = tarStream.extract();
  const consuming = (async () => {
    for await (const entry of extract) {
      const name = safeArchivePath(entry.header.name);
      const target = join(dir, name);
      switch (entry.header.type) {
        case "directory":
          await mkdir(target, { recursive: true });
          entry.resume();
          break;
        case "file":
        case "contiguous-file":
          await mkdir(dirname(target), { recursive: true });
          await pipeline(entry, createWriteStream(target, { highWaterMark: 1 << 20 }));
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
    await consuming.catch(() => undefined);
    if (error instanceof BerthError) throw error;
    throw invalidArchive(`unexpected end of archive or invalid tar: ${(error as Error).message}`);
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
