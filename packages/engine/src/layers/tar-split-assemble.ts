/*
 * Reassembly of a layer tar from its split record and diff dir (the record's format is in
 * tar-split.ts). The diff_id was verified when the layer was applied; when every file still has
 * the ctime the record keeps (nothing wrote, chmod'ed or replaced it since), the bytes are the
 * same and are only copied. Otherwise (an old record without ctimes, a root restored from a
 * backup) the result is hashed and must be the diff_id.
 */
import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { BerthError } from "@berth/core";
import { formatSha256 } from "../storage/sha256.js";
import type { TarOutput } from "./tar-output.js";
import { CTIMES, FILE, RAW } from "./tar-split.js";

type Frame = { raw: Uint8Array } | { path: string; size: number };

interface SplitRecord {
  frames: Frame[];
  /** Each F frame's ctime (ns), in order; absent in records written before they were kept. */
  ctimes?: bigint[];
}

function parseSplit(record: Buffer): SplitRecord {
  const frames: Frame[] = [];
  const bad = () => new BerthError("DATA_CORRUPTED", "invalid tar-split record");
  for (let offset = 0; offset < record.length; ) {
    const kind = record[offset];
    if (offset + 5 > record.length) throw bad();
    const length = record.readUInt32LE(offset + 1);
    const start = offset + 5;
    if (kind === RAW && start + length <= record.length) {
      frames.push({ raw: record.subarray(start, start + length) });
      offset = start + length;
    } else if (kind === FILE && start + length + 8 <= record.length) {
      frames.push({ path: record.subarray(start, start + length).toString(), size: Number(record.readBigUInt64LE(start + length)) });
      offset = start + length + 8;
    } else if (kind === CTIMES && start + length === record.length) {
      const ctimes = Array.from({ length: length / 8 }, (_, index) => record.readBigUInt64LE(start + 8 * index));
      if (ctimes.length !== frames.filter((frame) => "path" in frame).length) throw bad();
      return { frames, ctimes };
    } else {
      throw bad();
    }
  }
  return { frames };
}

/** A stored layer's exact tar, ready to write (from a split record, or a tar blob). */
export interface LayerTar {
  /** Bytes of the tar. */
  size: number;
  /** Reassembled from a split record, it fails if a file changed (see above). */
  writeTo(output: TarOutput): Promise<void>;
}

/** Opens the reassembly of a layer tar from its split record and diff dir. */
export async function openSplitTar(splitPath: string, diffDir: string, diffId: string): Promise<LayerTar> {
  const record = parseSplit(await readFile(splitPath));
  const size = record.frames.reduce((sum, frame) => sum + ("raw" in frame ? frame.raw.length : frame.size), 0);
  return { size, writeTo: (output) => assemble(record, diffDir, diffId, output) };
}

/**
 * Whether every file is as the record left it (same ctime); a file of another size fails here
 * already, naming it.
 */
function isUnchanged(record: SplitRecord, diffDir: string): boolean {
  let index = 0;
  let isSame = record.ctimes !== undefined;
  for (const frame of record.frames) {
    if ("raw" in frame) continue;
    const stats = lstatSync(`${diffDir}/${frame.path}`, { bigint: true, throwIfNoEntry: false });
    if (stats === undefined || !stats.isFile() || stats.size !== BigInt(frame.size)) throw changed(frame.path);
    isSame &&= stats.ctimeNs === record.ctimes![index++];
  }
  return isSame;
}

async function assemble(record: SplitRecord, diffDir: string, diffId: string, output: TarOutput): Promise<void> {
  const hash = isUnchanged(record, diffDir) ? undefined : createHash("sha256");
  for (const frame of record.frames) {
    if ("raw" in frame) {
      await output.write(frame.raw, hash);
      continue;
    }
    const fd = openSync(`${diffDir}/${frame.path}`, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      if (hash && fstatSync(fd).size !== frame.size) throw changed(frame.path);
      if (!(await output.copyFile(fd, frame.size, hash))) throw changed(frame.path);
    } finally {
      closeSync(fd);
    }
  }
  const got = hash && formatSha256(hash);
  if (got && got !== diffId) throw new BerthError("DATA_CORRUPTED", `layer ${diffId} reassembles to ${got}: its files changed`);
}

function changed(path: string): BerthError {
  return new BerthError("DATA_CORRUPTED", `layer file ${JSON.stringify(path)} changed size since it was extracted`);
}
