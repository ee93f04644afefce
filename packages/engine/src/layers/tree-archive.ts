import { closeSync, readlinkSync, realpathSync } from "node:fs";
import { PassThrough } from "node:stream";
import { basename, dirname, resolve } from "node:path";
import { lstatAt, openDirectory, openDirectoryAt, pathAt, reopenDirectory } from "./fd-paths.js";
import { writeNode, writeTree } from "./tar-diff.js";
import { TarWriter } from "./tar-writer.js";
import { extractTree, type ExtractOptions } from "./tree-extract.js";

// docker cp's archives: one resource (a file, or a directory with everything below it) as a tar
// whose entries start with the resource's own name, and the host's side of a copy.

/** The tar `produce` writes, as a byte stream; a failure of the producer ends the stream with its error. */
export function tarStream(produce: (writer: TarWriter) => Promise<void>): AsyncIterable<Uint8Array> {
  const stream = new PassThrough();
  const writer = new TarWriter(stream);
  produce(writer).then(() => writer.finish()).then(() => stream.end(), (error: unknown) => stream.destroy(error as Error));
  return stream;
}

/**
 * Writes node `name` of the open directory `parentFd` ("" for that directory itself) as entry
 * `entryName`, a directory with its whole tree (mounts below it included, as docker cp does).
 */
export async function writeResource(writer: TarWriter, parentFd: number, name: string, entryName: string): Promise<void> {
  const stats = name === "" ? lstatAt(parentFd, ".") : lstatAt(parentFd, name);
  if (stats === undefined) throw Object.assign(new Error(`${name}: no such file or directory`), { code: "ENOENT" });
  if (!stats.isDirectory()) {
    const linkname = stats.isSymbolicLink() ? readlinkSync(pathAt(parentFd, name)) : undefined;
    await writeNode(writer, parentFd, { rel: name, stats, ...(linkname === undefined ? {} : { linkname }) }, entryName, new Map());
    return;
  }
  const fd = name === "" ? reopenDirectory(parentFd) : openDirectoryAt(parentFd, name);
  try {
    await writeTree(writer, fd, { prefix: entryName });
  } finally {
    closeSync(fd);
  }
}

/**
 * `cp SRC CONTAINER:DEST`'s archive of a host path, named by its base name. With `followLink`
 * (-L) a symlink SRC is archived as what it points to: the host's own files, resolved on the host.
 * `entryName` is "." for a `DIR/.` source (its contents).
 */
export function archiveHostPath(path: string, followLink: boolean, entryName = basename(resolve(path)) || "."): AsyncIterable<Uint8Array> {
  const absolute = resolve(path);
  return tarStream(async (writer) => {
    const source = followLink ? realpathSync(absolute) : absolute;
    const parentFd = openDirectory(dirname(source));
    try {
      await writeResource(writer, parentFd, basename(source), entryName);
    } finally {
      closeSync(parentFd);
    }
  });
}

/** `cp CONTAINER:SRC DEST`'s host side: the archive extracted into host directory `dir`. */
export async function extractToHostDir(dir: string, source: AsyncIterable<Uint8Array>, options: ExtractOptions): Promise<void> {
  const fd = openDirectory(resolve(dir));
  try {
    await extractTree(source, fd, options);
  } finally {
    closeSync(fd);
  }
}
