import type { Hash } from "node:crypto";
import { readSync } from "node:fs";
import type { ByteSink } from "@berth/core";

/**
 * Measured on 300 MB of small files: 256 KiB stays in the CPU's caches between the read(2) that
 * fills it and the write(2) that empties it; 4 MiB took twice as long end to end, and a fresh
 * buffer per chunk (page faults, GC) twice again.
 */
const CHUNK = 256 << 10;

/**
 * A save's bytes, gathered into one buffer that is handed to the sink whenever it is full and
 * reused once the sink is done with it: file data is read straight into it, tar headers and
 * padding are copied in, so a synchronous sink costs one write(2) per chunk and nothing is
 * allocated, however small the pieces. A `hash` given with some bytes sees exactly those.
 */
export class TarOutput {
  private readonly buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private flushed = 0;

  constructor(
    private readonly sink: ByteSink,
    private readonly onFlushed?: (bytes: number) => void,
  ) {}

  async write(bytes: Uint8Array, hash?: Hash): Promise<void> {
    hash?.update(bytes);
    for (let offset = 0; offset < bytes.length; ) {
      if (this.used === this.buffer.length) await this.flush();
      const length = Math.min(bytes.length - offset, this.buffer.length - this.used);
      this.buffer.set(bytes.subarray(offset, offset + length), this.used);
      this.used += length;
      offset += length;
    }
  }

  /**
   * The first `size` bytes of an open file, read synchronously (one sequential reader gains
   * nothing from the thread pool); false when the file is shorter.
   */
  async copyFile(fd: number, size: number, hash?: Hash): Promise<boolean> {
    for (let position = 0; position < size; ) {
      if (this.used === this.buffer.length) await this.flush();
      const got = readSync(fd, this.buffer, this.used, Math.min(size - position, this.buffer.length - this.used), position);
      if (got === 0) return false;
      hash?.update(this.buffer.subarray(this.used, this.used + got));
      this.used += got;
      position += got;
    }
    return true;
  }

  /** Hands what is buffered to the sink; call once at the end. */
  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.sink.write(this.buffer.subarray(0, this.used));
    this.flushed += this.used;
    this.used = 0;
    this.onFlushed?.(this.flushed);
  }
}
