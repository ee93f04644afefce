import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { join, resolve } from "node:path";

/** Where everything of one berth root lives: persistent state under the root, runtime under /run. */
export interface RootPaths {
  root: string;
  /** /run/berth/<hash of the root>: locks, pids, netns handles; gone after a reboot. */
  runDir: string;
  /** Short hash of the root, carried by host objects (cgroups, bridges, chains) of this root. */
  rootHash: string;
  /** Identity of this root in a database shared by several roots (PostgreSQL). */
  nodeId: string;
  database: string;
  blobs: string;
  layers: string;
  tmp: string;
  locks: string;
  /** Exists once a fresh root has been initialized (base image loaded). */
  initializedMarker: string;
}

export function hashRoot(root: string): string {
  return createHash("sha256").update(resolve(root)).digest("hex").slice(0, 12);
}

export function resolveRootPaths(root: string, runBase = "/run/berth"): RootPaths {
  const absolute = resolve(root);
  const rootHash = hashRoot(absolute);
  const runDir = join(runBase, rootHash);
  return {
    root: absolute,
    runDir,
    rootHash,
    nodeId: createHash("sha256").update(`${hostname()}:${absolute}`).digest("hex").slice(0, 16),
    database: join(absolute, "berth.db"),
    blobs: join(absolute, "blobs"),
    layers: join(absolute, "layers"),
    tmp: join(absolute, "tmp"),
    locks: join(runDir, "locks"),
    initializedMarker: join(absolute, ".initialized"),
  };
}
