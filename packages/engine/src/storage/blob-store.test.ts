import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createBlobStore } from "./blob-store.js";
import { useTempDirs } from "./test-support/temp-dirs.js";

const tempDir = useTempDirs("blobs");
const sha = (data: string | Uint8Array) => `sha256:${createHash("sha256").update(data).digest("hex")}`;

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString();
}

describe("blob store", () => {
  it("writes, reads, stats, lists and deletes content-addressed blobs", async () => {
    const root = await tempDir();
    const store = createBlobStore(root);
    const info = await store.writeBlob(chunks("hello ", "world"), { expectedDigest: sha("hello world"), expectedSize: 11 });
    expect(info).toEqual({ digest: sha("hello world"), size: 11 });
    expect(store.blobPath(info.digest)).toBe(join(root, "blobs", "sha256", info.digest.slice(7)));
    expect(await store.hasBlob(info.digest)).toBe(true);
    expect((await store.readBlobBytes(info.digest)).toString()).toBe("hello world");
    expect(await collect(await store.openBlob(info.digest))).toBe("hello world");
    expect(await store.statBlob(info.digest)).toEqual(info);
    const config = await store.writeBlobBytes(Buffer.from("{}"));
    expect(await store.listBlobs()).toEqual([info.digest, config.digest].sort());
    // Writing the same content again is fine and keeps one copy.
    expect(await store.writeBlobBytes(Buffer.from("{}"))).toEqual(config);
    expect(await store.deleteBlob(info.digest)).toBe(true);
    expect(await store.deleteBlob(info.digest)).toBe(false);
    expect(await store.hasBlob(info.digest)).toBe(false);
    await expect(store.readBlobBytes(info.digest)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.openBlob(info.digest)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(store.statBlob(info.digest)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("rejects a digest mismatch and leaves nothing behind", async () => {
    const root = await tempDir();
    const store = createBlobStore(root);
    const wrong = sha("something else");
    const error = await store.writeBlob(chunks("payload"), { expectedDigest: wrong }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "DATA_CORRUPTED" });
    expect((error as Error).message).toContain(wrong);
    expect((error as Error).message).toContain(sha("payload"));
    await expect(store.writeBlob(chunks("payload"), { expectedSize: 3 })).rejects.toMatchObject({ code: "DATA_CORRUPTED" });
    await expect(store.writeBlob(chunks("payload"), { expectedSize: 30 })).rejects.toMatchObject({ code: "DATA_CORRUPTED" });
    expect(await store.listBlobs()).toEqual([]);
    expect(await readdir(join(root, "tmp"))).toEqual([]);
  });

  it("treats digests as untrusted before building a path", async () => {
    const store = createBlobStore(await tempDir());
    for (const bad of ["sha256:../../etc/passwd", `sha256:${"A".repeat(64)}`, "md5:abc", `sha256:${"a".repeat(63)}/`]) {
      expect(() => store.blobPath(bad)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
      await expect(store.readBlobBytes(bad)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(store.writeBlobBytes(Buffer.from("x"), { expectedDigest: bad })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
      });
    }
  });

  it("lets concurrent writers of the same content both succeed", async () => {
    const store = createBlobStore(await tempDir());
    const data = Buffer.alloc(3 << 20, 7);
    const results = await Promise.all([1, 2, 3, 4].map(() => store.writeBlobBytes(data)));
    expect(new Set(results.map((r) => r.digest))).toEqual(new Set([sha(data)]));
    expect((await store.readBlobBytes(sha(data))).equals(data)).toBe(true);
  });
});
