import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { access, mkdir, open, readFile, readdir, rm, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BerthError } from "@berth/core";
import { formatSha256, sha256Hex } from "./sha256.js";
import { commitStaged, createStagingDir } from "./staging.js";

export interface BlobInfo {
  digest: string;
  size: number;
}

export interface WriteBlobOptions {
  /** Untrusted digest the content must hash to; a mismatch is DATA_CORRUPTED. */
  expectedDigest?: string;
  expectedSize?: number;
}

/** Content-addressed blobs under `<root>/blobs/sha256/<hex>`: layer tars, configs, manifests. */
export interface BlobStore {
  writeBlob(stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options?: WriteBlobOptions): Promise<BlobInfo>;
  writeBlobBytes(bytes: Uint8Array, options?: WriteBlobOptions): Promise<BlobInfo>;
  hasBlob(digest: string): Promise<boolean>;
  blobPath(digest: string): string;
  openBlob(digest: string): Promise<Readable>;
  readBlobBytes(digest: string): Promise<Buffer>;
  statBlob(digest: string): Promise<BlobInfo>;
  /** Returns false when the blob was already absent. */
  deleteBlob(digest: string): Promise<boolean>;
  listBlobs(): Promise<string[]>;
}

const WRITE_BATCH = 1 << 20;

export function createBlobStore(root: string): BlobStore {
  const absoluteRoot = resolve(root);
  const blobDir = join(absoluteRoot, "blobs", "sha256");
  const blobPath = (digest: string) => join(blobDir, sha256Hex(digest));

  const notFound = (digest: string) => new BerthError("NOT_FOUND", `blob ${digest} not found`);
  const rethrowMissing = (digest: string) => (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw notFound(digest);
    throw error;
  };

  async function writeBlob(stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: WriteBlobOptions = {}): Promise<BlobInfo> {
    const expectedHex = options.expectedDigest === undefined ? undefined : sha256Hex(options.expectedDigest);
    const staging = await createStagingDir(absoluteRoot, "blob");
    try {
      const file = join(staging, "data");
      const hash = createHash("sha256");
      let size = 0;
      const handle = await open(file, "wx", 0o644);
      try {
        let batch: Uint8Array[] = [];
        let batchBytes = 0;
        for await (const chunk of stream) {
          if (typeof chunk === "string") throw new BerthError("INVALID_ARGUMENT", "blob stream must yield bytes");
          size += chunk.byteLength;
          if (options.expectedSize !== undefined && size > options.expectedSize) {
            throw new BerthError(
              "DATA_CORRUPTED",
              `blob size mismatch: expected ${options.expectedSize} bytes, got more`,
            );
          }
          hash.update(chunk);
          batch.push(chunk);
          batchBytes += chunk.byteLength;
          if (batchBytes >= WRITE_BATCH) {
            await handle.writev(batch);
            batch = [];
            batchBytes = 0;
          }
        }
        if (batch.length > 0) await handle.writev(batch);
      } finally {
        await handle.close();
      }
      const digest = formatSha256(hash);
      if (expectedHex !== undefined && digest !== options.expectedDigest) {
        throw new BerthError("DATA_CORRUPTED", `blob digest mismatch: expected ${options.expectedDigest}, got ${digest}`);
      }
      if (options.expectedSize !== undefined && size !== options.expectedSize) {
        throw new BerthError("DATA_CORRUPTED", `blob size mismatch: expected ${options.expectedSize} bytes, got ${size}`);
      }
      await mkdir(blobDir, { recursive: true, mode: 0o755 });
      await commitStaged(file, blobPath(digest));
      return { digest, size };
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  return {
    writeBlob,
    async writeBlobBytes(bytes, options) {
      return writeBlob([bytes], options);
    },
    async hasBlob(digest) {
      try {
        await access(blobPath(digest));
        return true;
      } catch {
        return false;
      }
    },
    blobPath,
    async openBlob(digest) {
      const handle = await open(blobPath(digest), "r").catch(rethrowMissing(digest));
      return handle.createReadStream({ highWaterMark: 1 << 20 });
    },
    async readBlobBytes(digest) {
      return readFile(blobPath(digest)).catch(rethrowMissing(digest));
    },
    async statBlob(digest) {
      const stats = await stat(blobPath(digest)).catch(rethrowMissing(digest));
      return { digest, size: stats.size };
    },
    async deleteBlob(digest) {
      try {
        await unlink(blobPath(digest));
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
        throw error;
      }
    },
    async listBlobs() {
      const names = await readdir(blobDir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return [] as string[];
        throw error;
      });
      return names.filter((name) => /^[0-9a-f]{64}$/.test(name)).map((hex) => `sha256:${hex}`).sort();
    },
  };
}
