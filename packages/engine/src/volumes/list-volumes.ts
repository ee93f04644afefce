import { invalidArgument, matchesLabelFilter, type VolumeListOptions, type VolumeSummary } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { volumeSummary } from "./volume-store.js";

// docker volume ls: every volume of this node with its container count, docker's filters
// (dangling, name as a regular expression, label, driver), sorted by name like docker's CLI.

const FILTER_KEYS = ["dangling", "name", "label", "driver"];

function parseDangling(value: string): boolean {
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw invalidArgument(`invalid filter 'dangling=${value}'`);
}

function nameMatcher(value: string): (name: string) => boolean {
  try {
    const pattern = new RegExp(value);
    return (name) => pattern.test(name);
  } catch {
    throw invalidArgument(`invalid filter 'name=${value}'`);
  }
}

/** Every volume with how many containers mount it (no filters). */
export async function listAllVolumes(ctx: EngineContext): Promise<VolumeSummary[]> {
  const rows = await ctx.client.volume.findMany({
    where: { nodeId: ctx.nodeId },
    include: { _count: { select: { mounts: true } } },
    orderBy: { name: "asc" },
  });
  return rows.map(({ _count, ...row }) => volumeSummary(ctx, row, _count.mounts));
}

export async function listVolumes(ctx: EngineContext, options: VolumeListOptions = {}): Promise<VolumeSummary[]> {
  const filters = options.filters ?? {};
  for (const key of Object.keys(filters)) if (!FILTER_KEYS.includes(key)) throw invalidArgument(`invalid filter '${key}'`);
  const dangling = filters["dangling"]?.map(parseDangling);
  const names = (filters["name"] ?? []).map(nameMatcher);
  const drivers = filters["driver"] ?? [];
  return (await listAllVolumes(ctx)).filter((volume) =>
    (dangling === undefined || dangling.includes(volume.links === 0))
    && (names.length === 0 || names.some((matches) => matches(volume.name)))
    && (drivers.length === 0 || drivers.includes(volume.driver))
    && (filters["label"] ?? []).every((label) => matchesLabelFilter(volume.labels, label)));
}
