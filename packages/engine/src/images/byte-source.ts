import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { BerthError, type ByteSource } from "@berth/core";
import { fetchUrl } from "../fetch/fetch-url.js";

export interface OpenedSource {
  stream: AsyncIterable<Uint8Array>;
  /** Total bytes when known (files), for progress. */
  total?: number;
  /** How docker names the source in messages: the path, the URL or "-". */
  label: string;
}

export async function openByteSource(source: ByteSource): Promise<OpenedSource> {
  switch (source.kind) {
    case "file": {
      const info = await stat(source.path).catch((error: NodeJS.ErrnoException) => {
        throw new BerthError("NOT_FOUND", `open ${source.path}: no such file or directory`, { cause: error });
      });
      if (!info.isFile()) throw new BerthError("INVALID_ARGUMENT", `${source.path} is not a regular file`);
      return { stream: createReadStream(source.path, { highWaterMark: 1 << 20 }), total: info.size, label: source.path };
    }
    case "url":
      return { stream: fetchUrl(source.url), label: source.url };
    case "stream":
      return { stream: source.stream, label: "-" };
  }
}

/** Counts bytes as they pass, for progress reports. */
export async function* countBytes(
  stream: AsyncIterable<Uint8Array>,
  onCount: (total: number) => void,
): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of stream) {
    total += chunk.byteLength;
    onCount(total);
    yield chunk;
  }
}
