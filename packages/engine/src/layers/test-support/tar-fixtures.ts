import { lstatSync, readdirSync, readlinkSync } from "node:fs";
import { execa } from "execa";
import { pack as tarPack, type Header } from "tar-stream";
import { dumpXattrs } from "../host-tools.js";
import { TarOutput } from "../tar-output.js";
import type { LayerTar } from "../tar-split-assemble.js";

export type FixtureEntry = Partial<Omit<Header, "pax">> & {
  name: string;
  content?: string | Buffer;
  /** PAX records, e.g. { "SCHILY.xattr.user.k": "v" }; tar-stream encodes values as UTF-8. */
  pax?: Record<string, string>;
};

export const MTIME = new Date("2024-05-06T07:08:09Z");

/** A tar built with tar-stream (an independent writer from ours). */
export async function buildTar(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tarPack();
  const done = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const { content: given, ...header } of entries) {
    const content = given ?? (header.type === undefined || header.type === "file" ? "" : undefined);
    const full = { mode: 0o644, uid: 0, gid: 0, mtime: MTIME, ...header };
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null) => (error ? reject(error) : resolve());
      if (content === undefined) pack.entry(full, callback);
      else pack.entry(full, content, callback);
    });
  }
  pack.finalize();
  return done;
}

/** A layer tar's bytes, reassembled through a save's output (each chunk copied: the output reuses its buffer). */
export async function layerTarBytes(tar: LayerTar): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const output = new TarOutput({ write: (chunk) => void chunks.push(Buffer.from(chunk)) });
  await tar.writeTo(output);
  await output.flush();
  return Buffer.concat(chunks);
}

export async function* chunked(data: Uint8Array, size = 7919): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) yield data.subarray(offset, offset + size);
}

/**
 * One line per path under `dir`: type, mode, owner, size or target or device, mtime and xattrs
 * (overlay's own included). Directory times are compared separately when `withDirTimes`.
 */
export async function describeTree(dir: string, options: { withDirTimes?: boolean } = {}): Promise<string[]> {
  const xattrs = await dumpXattrs(dir);
  const lines: string[] = [];
  const visit = (rel: string) => {
    for (const name of readdirSync(rel === "" ? dir : `${dir}/${rel}`).sort()) {
      const child = rel === "" ? name : `${rel}/${name}`;
      const path = `${dir}/${child}`;
      const s = lstatSync(path);
      const kind = s.isDirectory() ? "d" : s.isFile() ? "f" : s.isSymbolicLink() ? "l" : s.isFIFO() ? "p" : s.isCharacterDevice() ? "c" : s.isBlockDevice() ? "b" : "?";
      const detail = s.isFile() ? `size=${s.size}` : s.isSymbolicLink() ? `-> ${readlinkSync(path)}` : kind === "c" || kind === "b" ? `rdev=${s.rdev}` : "";
      const time = kind === "d" && !options.withDirTimes ? "" : `mtime=${Math.floor(s.mtimeMs / 1000)}`;
      const attrs = [...(xattrs.get(path) ?? [])].map(([k, v]) => `${k}=${v.toString("hex")}`).sort().join(",");
      lines.push([child, kind, (s.mode & 0o7777).toString(8), `${s.uid}:${s.gid}`, detail, time, attrs].filter(Boolean).join(" "));
      if (s.isDirectory()) visit(child);
    }
  };
  visit("");
  return lines;
}

export async function sha256sum(file: string): Promise<string> {
  const { stdout } = await execa("sha256sum", [file]);
  return `sha256:${stdout.split(" ")[0]}`;
}
