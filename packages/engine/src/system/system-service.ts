import { release } from "node:os";
import type { BerthService, CheckProblem, EventQuery, SystemInfo, SystemService } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { checkStore } from "./check-store.js";
import { detectCgroupVersion } from "./cgroup-version.js";
import { diskUsage } from "./disk-usage.js";
import { pruneSystem } from "./prune-system.js";
import { engineVersion } from "./version.js";

/** The local SystemService; df and prune work through the root's other services. */
export function createSystemService(ctx: EngineContext, services: Pick<BerthService, "containers" | "volumes" | "images">): SystemService {
  return {
    async info(): Promise<SystemInfo> {
      const [images, layers] = await Promise.all([
        ctx.client.image.count({ where: { nodeId: ctx.nodeId } }),
        ctx.client.layer.count({ where: { nodeId: ctx.nodeId } }),
      ]);
      return {
        settings: {
          ...ctx.settings.sources,
          run_dir: { value: ctx.paths.runDir, source: "derived from root" },
          node_id: { value: ctx.nodeId, source: "derived from host name and root" },
          ...(ctx.settings.settings.database_url ? {} : { database_url: { value: `file:${ctx.paths.database}`, source: "default (embedded SQLite in root)" } }),
        },
        images,
        layers,
        storageDriver: "overlay",
        cgroupVersion: detectCgroupVersion(),
        kernelVersion: release(),
        databaseProvider: ctx.database.provider,
        databaseSchemaVersion: ctx.database.schemaVersion,
      };
    },
    version: engineVersion,
    check(options?: { repair?: boolean }): Promise<CheckProblem[]> {
      return checkStore(ctx, options?.repair ?? false);
    },
    events(query?: EventQuery) {
      return ctx.events.query(query);
    },
    diskUsage: () => diskUsage(ctx, services.containers),
    prune: (options) => pruneSystem(services, options),
  };
}
