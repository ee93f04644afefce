import tarStream from "tar-stream";

export interface TarEntrySpec {
  name: string;
  type?: "file" | "directory" | "symlink" | "link";
  content?: string | Uint8Array;
  linkname?: string;
  mode?: number;
  mtime?: Date;
  uid?: number;
  gid?: number;
}

/** Build an uncompressed tar in memory from entry specs (tests only). */
export async function buildTar(entries: TarEntrySpec[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  })();
  for (const entry of entries) {
    const type = entry.type ?? "file";
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        {
          name: entry.name,
          type,
          mode: entry.mode ?? (type === "directory" ? 0o755 : 0o644),
          mtime: entry.mtime ?? new Date(1_700_000_000_000),
          uid: entry.uid ?? 0,
          gid: entry.gid ?? 0,
          ...(entry.linkname ? { linkname: entry.linkname } : {}),
        },
        type === "file" ? (content ?? Buffer.alloc(0)) : Buffer.alloc(0),
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

export async function* bytesOf(buffer: Uint8Array): AsyncIterable<Uint8Array> {
  yield buffer;
}
