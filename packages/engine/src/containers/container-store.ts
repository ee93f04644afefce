import { BerthError, type ContainerConfig, type ContainerState } from "@berth/core";
import type { Container, Prisma } from "@berth/db";
import type { EngineContext } from "../engine-context.js";
import type { HostConfig } from "./host-config.js";

// Container rows: docker's lookup by ID, name or ID prefix; the JSON columns parsed; updates as
// compare-and-set on the version column (every writer also holds the container's lock, so a lost
// race means someone changed the row without it).

export type ContainerRow = Container;

export interface ContainerRecord {
  row: ContainerRow;
  state: ContainerState;
  config: ContainerConfig;
  hostConfig: HostConfig;
}

export function noSuchContainer(text: string): BerthError {
  return new BerthError("NOT_FOUND", `No such container: ${text}`);
}

export function parseContainerRow(row: ContainerRow): ContainerRecord {
  return {
    row,
    state: row.state as ContainerState,
    config: JSON.parse(row.config) as ContainerConfig,
    hostConfig: JSON.parse(row.hostConfig) as HostConfig,
  };
}

/** docker's GetContainer: the full ID, then the name (with or without its slash), then a unique ID prefix. */
export async function findContainerRow(ctx: EngineContext, text: string): Promise<ContainerRow> {
  const { client, nodeId } = ctx;
  if (text === "") throw noSuchContainer(text);
  if (/^[0-9a-f]{64}$/.test(text)) {
    const row = await client.container.findUnique({ where: { nodeId_id: { nodeId, id: text } } });
    if (row) return row;
  }
  const name = text.startsWith("/") ? text.slice(1) : text;
  const byName = await client.container.findUnique({ where: { nodeId_name: { nodeId, name } } });
  if (byName) return byName;
  if (/^[0-9a-f]+$/.test(text)) {
    const rows = await client.container.findMany({ where: { nodeId, id: { startsWith: text } }, take: 2 });
    if (rows.length > 1) {
      throw new BerthError("INVALID_ARGUMENT", `multiple IDs found with provided prefix: ${text}`, {
        hint: "give more characters of the container ID, or its name",
      });
    }
    if (rows[0]) return rows[0];
  }
  throw noSuchContainer(text);
}

export async function findContainer(ctx: EngineContext, text: string): Promise<ContainerRecord> {
  return parseContainerRow(await findContainerRow(ctx, text));
}

/** The row by full ID, or undefined once it is gone. */
export async function loadContainer(ctx: EngineContext, id: string): Promise<ContainerRecord | undefined> {
  const row = await ctx.client.container.findUnique({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
  return row ? parseContainerRow(row) : undefined;
}

type Writer = Pick<EngineContext["client"], "container">;

/**
 * Writes `data` if the row is still at `record`'s version; returns the new record. Throws CONFLICT
 * when another writer got there first.
 */
export async function updateContainer(
  ctx: EngineContext,
  record: ContainerRecord,
  data: Omit<Prisma.ContainerUpdateManyMutationInput, "version">,
  writer: Writer = ctx.client,
): Promise<ContainerRecord> {
  const { id, version } = record.row;
  const result = await writer.container.updateMany({
    where: { nodeId: ctx.nodeId, id, version },
    data: { ...data, version: { increment: 1 } },
  });
  if (result.count !== 1) {
    throw new BerthError("CONFLICT", `container ${id} was changed concurrently`, { hint: "retry the command" });
  }
  const row = await writer.container.findUnique({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
  if (!row) throw noSuchContainer(id);
  return parseContainerRow(row);
}

/** Event attributes docker attaches to container events: name, image and the labels. */
export function containerEventAttributes(record: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
  const labels = Object.fromEntries(Object.entries(record.config.Labels ?? {}).map(([key, value]) => [`label.${key}`, value]));
  return { ...labels, image: record.row.imageRef, name: record.row.name, ...extra };
}
