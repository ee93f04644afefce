import { closeSync, readdirSync, type Stats } from "node:fs";
import type { ContainerChange } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { lstatAt, openDirectory, pathAt, resolveInRoot } from "../layers/fd-paths.js";
import { dumpXattrs } from "../layers/host-tools.js";
import { walkTree } from "../layers/tar-diff.js";
import { OPAQUE_XATTR } from "../layers/whiteouts.js";
import { containerPaths } from "./container-paths.js";
import { containerLayers } from "./container-rootfs.js";
import { findContainer } from "./container-store.js";

// docker diff as docker 20.10's overlay2 reports it (its tree comparison of the container's root
// with its init layer's; an interop test compares the two): the container's upper dir is walked
// and each path looked up in the lower layers. A whiteout (char 0/0) is D; a path no lower layer
// has is A; a file a lower layer has is C, a directory only when its mode or owner changed (not
// its mtime or size); an opaque directory over a lower one deletes the lower one's children (D
// each); and every directory with a change below it is C, up to the root. The lower layers are the init layer and the image's,
// so the init layer's mountpoint stubs (/etc/hosts, /dev, /proc…) are never reported; volumes,
// binds and tmpfs are not in the upper dir either. Lines are sorted by path, parents first.

function isWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

/** The node `rel` in a lower layer, looked up inside it (a symlink there never leads outside). */
function lowerStats(layerFd: number, rel: string): Stats | undefined {
  try {
    const found = resolveInRoot(layerFd, rel, false);
    closeSync(found.parentFd);
    return found.stats;
  } catch {
    return undefined; // a parent is missing or not a directory there
  }
}

function lowerChildren(layerFd: number, rel: string): string[] {
  try {
    const found = resolveInRoot(layerFd, rel, false);
    try {
      if (!found.stats?.isDirectory()) return [];
      return readdirSync(pathAt(found.parentFd, found.name)).filter((name) => {
        const child = lstatAt(found.parentFd, `${found.name}/${name}`);
        return child !== undefined && !isWhiteout(child);
      });
    } finally {
      closeSync(found.parentFd);
    }
  } catch {
    return [];
  }
}

function byPath(a: ContainerChange, b: ContainerChange): number {
  const left = a.path.split("/");
  const right = b.path.split("/");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = Buffer.compare(Buffer.from(left[i]!), Buffer.from(right[i]!));
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

export async function diffContainer(ctx: EngineContext, text: string): Promise<ContainerChange[]> {
  const record = await findContainer(ctx, text);
  const paths = containerPaths(ctx.paths, record.row.id);
  const lowerDirs = [paths.init, ...(await containerLayers(ctx, record.row)).map((layer) => layer.diffDir)];
  const xattrs = await dumpXattrs(paths.upper);
  const upperFd = openDirectory(paths.upper);
  const lowerFds = lowerDirs.map((dir) => openDirectory(dir));
  try {
    const changes = new Map<string, ContainerChange>();
    const add = (kind: ContainerChange["kind"], rel: string) => {
      if (!changes.has(rel)) changes.set(rel, { kind, path: `/${rel}` });
    };
    const nodes = walkTree(upperFd);
    const inUpper = new Set(nodes.map((node) => node.rel));
    for (const { rel, stats } of nodes) {
      if (isWhiteout(stats)) {
        add("D", rel);
        continue;
      }
      const lower = lowerFds.map((fd) => lowerStats(fd, rel)).find((found) => found !== undefined);
      if (lower === undefined) add("A", rel);
      else if (!lower.isDirectory() || !stats.isDirectory() || lower.mode !== stats.mode || lower.uid !== stats.uid || lower.gid !== stats.gid) add("C", rel);
      if (lower?.isDirectory() && stats.isDirectory() && xattrs.get(`${paths.upper}/${rel}`)?.get(OPAQUE_XATTR)?.toString() === "y") {
        for (const name of new Set(lowerFds.flatMap((fd) => lowerChildren(fd, rel)))) {
          if (!inUpper.has(`${rel}/${name}`)) add("D", `${rel}/${name}`);
        }
      }
    }
    // A directory with any change below it is changed itself, up to the root.
    for (const rel of [...changes.keys()]) {
      for (let slash = rel.lastIndexOf("/"); slash !== -1; slash = rel.lastIndexOf("/", slash - 1)) add("C", rel.slice(0, slash));
    }
    return [...changes.values()].sort(byPath);
  } finally {
    closeSync(upperFd);
    for (const fd of lowerFds) closeSync(fd);
  }
}
