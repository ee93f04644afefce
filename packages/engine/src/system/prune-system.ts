import type { BerthService, SystemPruneOptions, SystemPruneResult } from "@berth/core";

/**
 * docker system prune: stopped containers first (which frees their images and volumes), then
 * with `volumes` the anonymous volumes no container uses, then dangling images (all unused
 * images with `all`).
 */
export async function pruneSystem(services: Pick<BerthService, "containers" | "volumes" | "images">, options: SystemPruneOptions = {}): Promise<SystemPruneResult> {
  const containers = await services.containers.prune();
  const volumes = options.volumes ? await services.volumes.prune() : undefined;
  const images = await services.images.prune({ all: options.all === true });
  return {
    containers,
    ...(volumes === undefined ? {} : { volumes }),
    images,
    spaceReclaimed: containers.spaceReclaimed + (volumes?.spaceReclaimed ?? 0) + images.spaceReclaimed,
  };
}
