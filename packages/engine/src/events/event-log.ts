import type { BerthEvent, EventQuery } from "@berth/core";
import type { BerthPrismaClient } from "@berth/db";

export interface EventInput {
  type: string;
  action: string;
  objectId: string;
  attributes?: Record<string, string>;
}

/** A transaction client or the client itself: events are written in the same transaction as the change. */
type EventWriter = Pick<BerthPrismaClient, "event">;

const followPollMs = 200;

/** The events table: every change of state, with who made it. The CLI, console and audit log read it. */
export class EventLog {
  constructor(
    private readonly client: BerthPrismaClient,
    private readonly nodeId: string,
    private readonly actor: string,
  ) {}

  async record(input: EventInput, writer: EventWriter = this.client): Promise<void> {
    await writer.event.create({
      data: {
        nodeId: this.nodeId,
        type: input.type,
        action: input.action,
        objectId: input.objectId,
        actor: this.actor,
        attributes: JSON.stringify(input.attributes ?? {}),
      },
    });
  }

  async *query(query: EventQuery = {}): AsyncIterable<BerthEvent> {
    let lastSeq = 0;
    const matches = compileEventFilter(query.filters ?? {});
    for (;;) {
      const rows = await this.client.event.findMany({
        where: {
          nodeId: this.nodeId,
          seq: { gt: lastSeq },
          ...(query.since || query.until
            ? { time: { ...(query.since ? { gte: query.since } : {}), ...(query.until ? { lte: query.until } : {}) } }
            : {}),
        },
        orderBy: { seq: "asc" },
        take: 500,
      });
      for (const row of rows) {
        lastSeq = row.seq;
        const event: BerthEvent = {
          seq: row.seq,
          time: row.time,
          type: row.type,
          action: row.action,
          objectId: row.objectId,
          actor: row.actor,
          attributes: JSON.parse(row.attributes) as Record<string, string>,
        };
        if (matches(event)) yield event;
      }
      if (rows.length === 500) continue;
      const pastUntil = query.until !== undefined && Date.now() > query.until.getTime();
      if (!query.follow || pastUntil || query.signal?.aborted) return;
      await sleep(followPollMs, query.signal);
      if (query.signal?.aborted) return;
    }
  }
}

/** docker's event filters: type, event, image (id or name), label, and any attribute key. */
function compileEventFilter(filters: Record<string, string[]>): (event: BerthEvent) => boolean {
  const checks = Object.entries(filters).map(([key, values]) => (event: BerthEvent) =>
    values.some((value) => {
      switch (key) {
        case "type":
          return event.type === value;
        case "event":
        case "action":
          return event.action === value;
        case "image":
        case "container":
        case "id":
          return event.objectId.replace(/^sha256:/, "").startsWith(value.replace(/^sha256:/, "")) ||
            event.attributes.name === value;
        case "label": {
          const [labelKey, labelValue] = value.split("=", 2);
          const actual = event.attributes[`label.${labelKey}`];
          return labelValue === undefined ? actual !== undefined : actual === labelValue;
        }
        default:
          return event.attributes[key] === value;
      }
    }),
  );
  return (event) => checks.every((check) => check(event));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
