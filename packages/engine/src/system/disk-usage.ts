import type { ContainerService, DiskUsage } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { imageDiskUsage } from "../images/disk-usage.js";
import { treeSize } from "../storage/tree-size.js";
import { listAllVolumes } from "../volumes/list-volumes.js";

/** docker system df: images (with how many containers use each), containers with their read-write sizes, volumes with theirs. */
export async function diskUsage(ctx: EngineContext, containers: ContainerService): Promise<DiskUsage> {
  const [images, summaries, volumes, mounts] = await Promise.all([
    imageDiskUsage(ctx),
    containers.list({ all: true, size: true }),
    listAllVolumes(ctx),
    ctx.client.volumeMount.findMany({ where: { nodeId: ctx.nodeId }, select: { containerId: true } }),
  ]);
  const volumesOf = new Map<string, number>();
  for (const { containerId } of mounts) volumesOf.set(containerId, (volumesOf.get(containerId) ?? 0) + 1);
  return {
    ...images,
    containers: summaries.map((summary) => ({ ...summary, sizeRw: summary.sizeRw ?? 0, localVolumes: volumesOf.get(summary.id) ?? 0 })),
    volumes: await Promise.all(volumes.map(async (volume) => ({ name: volume.name, links: volume.links, size: await treeSize(volume.mountpoint) }))),
  };
}
