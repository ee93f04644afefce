import { join } from "node:path";
import type { RootPaths } from "../config/paths.js";

// Where volumes live: <root>/volumes/<name>/_data, docker's layout.

export function volumesDir(paths: RootPaths): string {
  return join(paths.root, "volumes");
}

export function volumeDir(paths: RootPaths, name: string): string {
  return join(volumesDir(paths), name);
}

export function volumeDataDir(paths: RootPaths, name: string): string {
  return join(volumeDir(paths, name), "_data");
}

/** The lock that volume rows and dirs change under (create with dirs, rm, prune, a container's new volumes). */
export const volumeStoreLock = "volumes";
