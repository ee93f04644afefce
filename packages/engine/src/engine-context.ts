import type { Logger } from "pino";
import type { BerthPrismaClient, Database } from "@berth/db";
import type { RootPaths } from "./config/paths.js";
import type { LoadedSettings } from "./config/settings.js";
import type { BlobStore } from "./storage/blob-store.js";
import type { EventLog } from "./events/event-log.js";

/** What every engine service shares: one root, its database, its event log and logger. */
export interface EngineContext {
  paths: RootPaths;
  settings: LoadedSettings;
  database: Database;
  client: BerthPrismaClient;
  nodeId: string;
  blobs: BlobStore;
  events: EventLog;
  logger: Logger;
}
