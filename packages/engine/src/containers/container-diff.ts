import { closeSync, readdirSync, type Stats } from "node:fs";
import type { ContainerChange } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { lstatAt, openDirectory, pathAt, resolveInRoot } from "../layers/fd-paths.js";
import { dumpXattrs } from "../layers/host-tools.js";
import { walkTree } from "../layers/tar-diff.js";
import { OPAQUE_XATTR } from "../layers/whiteouts.js";
import { containerPaths } from "./container-paths.js";
import { imageLayers } from "./container-rootfs.js";
import { findContainer } from "./container-store.js";

// docker diff: the container's upper dir walked like docker's overlay driver does (archive's
// changes with overlay whiteouts). An entry is D when it is a whiteout (char 0/0), C when its path
// exists in a lower layer (a directory only when its size, mode or mtime differ), else A; the
// parent of an A or D is C. An opaque directory over a lower one also deletes the lower one's
// children (D each, as docker reports them). The lower layers are the init layer and the image's,
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

const sameDirectory = (a: Stats, b: Stats) =>
  a.size === b.size && a.mode === b.mode && Math.floor(a.mtimeMs / 1000) === Math.floor(b.mtimeMs / 1000) && (a.mtimeMs % 1000 === 0 || b.mtimeMs % 1000 === 0 || a.mtimeMs === b.mtimeMs);

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
  const lowerDirs = [paths.init, ...(await imageLayers(ctx, record.row.imageId)).map((layer) => layer.diffDir)];
  const xattrs = await dumpXattrs(paths.upper);
  const upperFd = openDirectory(paths.upper);
  const lowerFds = lowerDirs.map((dir) => openDirectory(dir));
  try {
    const changes = new Map<string, ContainerChange>();
    const changedDirs = new Set<string>();
    const add = (kind: ContainerChange["kind"], rel: string) => {
      if (!changes.has(rel)) changes.set(rel, { kind, path: `/${rel}` });
    };
    const nodes = walkTree(upperFd);
    const inUpper = new Set(nodes.map((node) => node.rel));
    for (const { rel, stats } of nodes) {
      let kind: ContainerChange["kind"] = "A";
      if (isWhiteout(stats)) kind = "D";
      else {
        const lower = lowerFds.map((fd) => lowerStats(fd, rel)).find((found) => found !== undefined);
        if (lower !== undefined) {
          if (lower.isDirectory() && stats.isDirectory() && sameDirectory(lower, stats)) continue;
          kind = "C";
        }
      }
      if (stats.isDirectory()) changedDirs.add(rel);
      const slash = rel.lastIndexOf("/");
      if (kind !== "C" && slash !== -1 && !changedDirs.has(rel.slice(0, slash))) {
        add("C", rel.slice(0, slash));
        changedDirs.add(rel.slice(0, slash));
      }
      add(kind, rel);
      if (kind === "C" && stats.isDirectory() && xattrs.get(`${paths.upper}/${rel}`)?.get(OPAQUE_XATTR)?.toString() === "y") {
        for (const name of new Set(lowerFds.flatMap((fd) => lowerChildren(fd, rel)))) {
          if (!inUpper.has(`${rel}/${name}`)) add("D", `${rel}/${name}`);
        }
      }
    }
    return [...changes.values()].sort(byPath);
  } finally {
    closeSync(upperFd);
    for (const fd of lowerFds) closeSync(fd);
  }
}
