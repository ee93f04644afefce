import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import pino, { type Logger } from "pino";
import type { BerthService } from "@berth/core";
import { openDatabase, sqliteUrlForRoot } from "@berth/db";
import { resolveRootPaths } from "./config/paths.js";
import { loadSettings, type LoadSettingsOptions, type Settings } from "./config/settings.js";
import type { EngineContext } from "./engine-context.js";
import { EventLog } from "./events/event-log.js";
import { createBuildService } from "./build/build-service.js";
import { createContainerService } from "./containers/container-service.js";
import { createContainerRuntime } from "./containers/container-runtime.js";
import { createBlobStore } from "./storage/blob-store.js";
import { createNetworkService } from "./network/network-service.js";
import { createImageService } from "./images/image-service.js";
import { initializeRoot, prepareRootDirs } from "./system/initialize-root.js";
import { createSystemService } from "./system/system-service.js";
import { createVolumeService } from "./volumes/volume-service.js";

export interface CreateEngineOptions {
  root?: string;
  databaseUrl?: string;
  /** Who is acting, recorded with every event: "cli:root", "console:alice"… */
  actor?: string;
  logger?: Logger;
  env?: NodeJS.ProcessEnv;
  /** Skip loading the base image into a fresh root (tests of an empty store). */
  skipBaseImage?: boolean;
  settings?: Partial<Settings>;
  systemConfigPath?: LoadSettingsOptions["systemConfigPath"];
}

/**
 * Open one berth root: settings, directories, database (migrated under a lock only when behind)
 * and, for a fresh root, the base image. The hot path for a current root is a stat, a database
 * open and one query.
 */
export async function createEngine(options: CreateEngineOptions = {}): Promise<BerthService> {
  const loaded = loadSettings({
    env: options.env,
    systemConfigPath: options.systemConfigPath,
    overrides: {
      ...options.settings,
      ...(options.root ? { root: options.root } : {}),
      ...(options.databaseUrl ? { database_url: options.databaseUrl } : {}),
    },
  });
  const paths = resolveRootPaths(loaded.settings.root);
  const isFresh = !existsSync(paths.initializedMarker);
  if (isFresh) await prepareRootDirs(paths);
  const database = await openDatabase({
    url: loaded.settings.database_url ?? sqliteUrlForRoot(paths.root),
    lockDir: paths.runDir,
  });
  const logger = options.logger ?? pino({ level: loaded.settings.log_level }, pino.destination(2));
  const actor = options.actor ?? `cli:${userInfo().username}`;
  const ctx: EngineContext = {
    paths,
    settings: loaded,
    database,
    client: database.client,
    nodeId: paths.nodeId,
    blobs: createBlobStore(paths.root),
    events: new EventLog(database.client, paths.nodeId, actor),
    logger,
  };
  const images = createImageService(ctx);
  const runtime = createContainerRuntime(ctx);
  if (isFresh) await initializeRoot(ctx, images, { loadBaseImage: !options.skipBaseImage });
  const services = {
    images,
    containers: createContainerService(ctx, runtime),
    volumes: createVolumeService(ctx),
    builds: createBuildService(ctx, runtime),
    networks: createNetworkService(ctx),
  };
  return {
    ...services,
    system: createSystemService(ctx, services),
    close: () => database.close(),
  };
}
