import { formatRfc3339, type VolumeSummary } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { findVolumeRow, volumeSummary } from "./volume-store.js";

/**
 * docker volume inspect's object, its keys in docker's order. Anonymous volumes carry docker 23's
 * `com.docker.volume.anonymous` label; options are null when there are none, as docker shows them.
 */
export function dockerVolume(volume: VolumeSummary): Record<string, unknown> {
  const labels = volume.anonymous ? { "com.docker.volume.anonymous": "", ...volume.labels } : volume.labels;
  return {
    CreatedAt: formatRfc3339(volume.createdAt),
    Driver: volume.driver,
    Labels: labels,
    Mountpoint: volume.mountpoint,
    Name: volume.name,
    Options: Object.keys(volume.options).length === 0 && volume.anonymous ? null : volume.options,
    Scope: "local",
  };
}

export async function inspectVolume(ctx: EngineContext, name: string): Promise<Record<string, unknown>> {
  const row = await findVolumeRow(ctx, name);
  const links = await ctx.client.volumeMount.count({ where: { nodeId: ctx.nodeId, volumeName: name } });
  return dockerVolume(volumeSummary(ctx, row, links));
}
