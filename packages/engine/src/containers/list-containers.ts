import {
  BerthError, CONTAINER_STATES, formatContainerStatus, formatPortsColumn, isBerthError, matchesLabelFilter, processArgv,
  type ContainerListOptions, type ContainerSummary, type PublishedPort,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { findImage } from "../images/image-lookup.js";
import { publishedPortsByContainer } from "../network/endpoints.js";
import { reconcileContainer } from "./container-cleanup.js";
import { isActive } from "./container-exit.js";
import { treeSize } from "../storage/tree-size.js";
import { containerPaths } from "./container-paths.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { parseContainerRow, type ContainerRecord } from "./container-store.js";

// docker ps: every row of this node reconciled with the kernel first (an ended run shows as
// Exited, never as a ghost Running), newest first, with docker's filters.

const FILTER_KEYS = new Set(["id", "name", "status", "label", "ancestor", "exited"]);

type Matcher = (record: ContainerRecord) => boolean;

async function compileFilters(ctx: EngineContext, filters: Record<string, string[]>): Promise<Matcher[]> {
  const matchers: Matcher[] = [];
  for (const [key, values] of Object.entries(filters)) {
    if (!FILTER_KEYS.has(key)) throw new BerthError("INVALID_ARGUMENT", `Invalid filter '${key}'`);
    if (values.length === 0) continue;
    switch (key) {
      case "id":
        matchers.push((record) => values.some((value) => record.row.id.startsWith(value)));
        break;
      case "name": {
        const patterns = values.map((value) => {
          try {
            return new RegExp(value);
          } catch {
            throw new BerthError("INVALID_ARGUMENT", `Invalid filter 'name=${value}'`);
          }
        });
        matchers.push((record) => patterns.some((pattern) => pattern.test(`/${record.row.name}`)));
        break;
      }
      case "status":
        for (const value of values) {
          if (!(CONTAINER_STATES as readonly string[]).includes(value)) throw new BerthError("INVALID_ARGUMENT", `Invalid filter 'status=${value}'`);
        }
        matchers.push((record) => values.includes(record.state));
        break;
      case "exited": {
        const codes = values.map((value) => {
          if (!/^-?\d+$/.test(value)) throw new BerthError("INVALID_ARGUMENT", `Invalid filter 'exited=${value}'`);
          return Number(value);
        });
        matchers.push((record) => record.state === "exited" && codes.includes(record.row.exitCode));
        break;
      }
      case "label":
        matchers.push((record) => values.every((value) => matchesLabelFilter(record.config.Labels ?? {}, value)));
        break;
      case "ancestor": {
        const ids = new Set<string>();
        for (const value of values) {
          try {
            ids.add((await findImage(ctx, value)).id);
          } catch (error) {
            if (!isBerthError(error, "NOT_FOUND")) throw error;
          }
        }
        matchers.push((record) => ids.has(record.row.imageId) || values.includes(record.row.imageRef));
        break;
      }
    }
  }
  return matchers;
}

/**
 * docker's IMAGE of a container: what the user typed while it still names the container's image,
 * else the image's ID (its name was moved to another image, or the image was deleted).
 */
async function shownImages(ctx: EngineContext, records: readonly ContainerRecord[]): Promise<Map<ContainerRecord, string>> {
  const resolved = new Map<string, string | undefined>();
  const shown = new Map<ContainerRecord, string>();
  for (const record of records) {
    const { imageRef, imageId } = record.row;
    if (!resolved.has(imageRef)) {
      resolved.set(imageRef, await findImage(ctx, imageRef).then((image) => image.id, (error: unknown) => {
        if (isBerthError(error, "NOT_FOUND")) return undefined;
        throw error;
      }));
    }
    shown.set(record, resolved.get(imageRef) === imageId ? imageRef : imageId);
  }
  return shown;
}

/** `image`: docker's IMAGE column; `ports`: the host ports a running container holds (its NetworkEndpoint rows). */
export function summarize(record: ContainerRecord, now: Date, image: string, ports: readonly PublishedPort[] = []): ContainerSummary {
  const { row } = record;
  const { path, args } = processArgv(record.config);
  return {
    id: row.id,
    name: row.name,
    image,
    imageId: row.imageId,
    command: [path, ...args].join(" "),
    created: row.createdAt,
    state: record.state,
    status: formatContainerStatus({ state: record.state, exitCode: row.exitCode, startedAt: row.startedAt ?? undefined, finishedAt: row.finishedAt ?? undefined }, now),
    exitCode: row.exitCode,
    labels: record.config.Labels ?? {},
    ports: isActive(record.state) ? formatPortsColumn(ports, Object.keys(record.config.ExposedPorts ?? {})) : "",
  };
}

export async function listContainers(ctx: EngineContext, runtime: ContainerRuntime, options: ContainerListOptions = {}): Promise<ContainerSummary[]> {
  const filters = options.filters ?? {};
  const matchers = await compileFilters(ctx, filters);
  const rows = await ctx.client.container.findMany({ where: { nodeId: ctx.nodeId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  const records: ContainerRecord[] = [];
  for (const row of rows) {
    const record = await reconcileContainer(ctx, runtime, parseContainerRow(row));
    if (record) records.push(record);
  }
  const showAll = options.all === true || options.last !== undefined || (filters.status?.length ?? 0) > 0 || (filters.exited?.length ?? 0) > 0;
  let selected = records.filter((record) => (showAll || isActive(record.state)) && matchers.every((matches) => matches(record)));
  if (options.last !== undefined && options.last >= 0) selected = selected.slice(0, options.last);
  const now = new Date();
  const images = await shownImages(ctx, selected);
  const ports = await publishedPortsByContainer(ctx);
  const summaries: ContainerSummary[] = [];
  for (const record of selected) {
    const summary = summarize(record, now, images.get(record) ?? record.row.imageRef, ports.get(record.row.id));
    if (options.size) {
      const imageSize = Number((await ctx.client.image.findUnique({ where: { nodeId_id: { nodeId: ctx.nodeId, id: record.row.imageId } }, select: { size: true } }))?.size ?? 0);
      summary.sizeRw = await treeSize(containerPaths(ctx.paths, record.row.id).upper);
      summary.sizeRootFs = imageSize + summary.sizeRw;
    }
    summaries.push(summary);
  }
  return summaries;
}
