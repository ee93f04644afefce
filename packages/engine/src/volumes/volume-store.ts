import { mkdir } from "node:fs/promises";
import { BerthError, type VolumeSummary } from "@berth/core";
import type { BerthPrismaClient, Volume } from "@berth/db";
import type { EngineContext } from "../engine-context.js";
import { volumeDataDir } from "./volume-paths.js";

// Volume rows: lookup by name, the JSON columns parsed, and the one way a row is made (with its
// data dir first and its `create` event in the same transaction), used by `volume create` and by
// a container's new named and anonymous volumes.

export type VolumeRow = Volume;

export function noSuchVolume(name: string): BerthError {
  return new BerthError("NOT_FOUND", `No such volume: ${name}`);
}

export async function findVolumeRow(ctx: EngineContext, name: string): Promise<VolumeRow> {
  const row = await ctx.client.volume.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name } } });
  if (!row) throw noSuchVolume(name);
  return row;
}

export function volumeSummary(ctx: EngineContext, row: VolumeRow, links: number): VolumeSummary {
  return {
    name: row.name,
    driver: row.driver,
    mountpoint: volumeDataDir(ctx.paths, row.name),
    labels: JSON.parse(row.labels) as Record<string, string>,
    options: JSON.parse(row.options) as Record<string, string>,
    createdAt: row.createdAt,
    anonymous: row.anonymous,
    links,
  };
}

export interface NewVolume {
  name: string;
  anonymous: boolean;
  labels?: Record<string, string>;
  options?: Record<string, string>;
}

/** Makes the data dir (0755, like docker's) of a volume about to get its row. */
export async function makeVolumeDir(ctx: EngineContext, name: string): Promise<void> {
  await mkdir(volumeDataDir(ctx.paths, name), { recursive: true, mode: 0o755 });
}

/** The row of a volume whose dir exists, with its `create` event; false when the name was taken. */
export async function insertVolumeRow(ctx: EngineContext, tx: Pick<BerthPrismaClient, "volume" | "event">, volume: NewVolume): Promise<boolean> {
  const { nodeId } = ctx;
  const existing = await tx.volume.findUnique({ where: { nodeId_name: { nodeId, name: volume.name } }, select: { name: true } });
  if (existing) return false;
  await tx.volume.create({
    data: {
      nodeId, name: volume.name, anonymous: volume.anonymous,
      labels: JSON.stringify(volume.labels ?? {}), options: JSON.stringify(volume.options ?? {}),
    },
  });
  await ctx.events.record({ type: "volume", action: "create", objectId: volume.name, attributes: { driver: "local" } }, tx);
  return true;
}
