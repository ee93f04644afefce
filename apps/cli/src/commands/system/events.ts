import { parseTimeOrDuration, type EventQuery } from "@berth/core";
import { defineSpec, inspectFormatHelp, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { parseFilters } from "../../filters.js";
import { renderObject } from "../../output.js";
import { eventTemplateData, formatEventLine } from "../../render/event-line.js";

export const spec = defineSpec({
  name: "system events",
  aliases: ["events"],
  summary: "Get real time events from berth",
  usage: "[OPTIONS]",
  args: [],
  options: {
    filter: listOption("-f, --filter filter", "Filter output based on conditions provided"),
    format: stringOption("--format string", inspectFormatHelp),
    since: stringOption("--since string", "Show all events created since timestamp"),
    until: stringOption("--until string", "Stream events until this timestamp"),
  },
  examples: ["berth events --since 10m", "berth events -f type=image -f event=tag --until 1s"],
});

/** The service's query: stored events, then new ones as they happen unless --until ends the stream. */
export function toEventQuery(
  options: { filter: string[]; since: string | undefined; until: string | undefined },
  now: Date,
  signal: AbortSignal,
): EventQuery {
  // Like docker: with neither bound, only what happens from now on; with --until alone, the past up to it.
  const since = options.since ?? (options.until === undefined ? now.toISOString() : undefined);
  return {
    since: since === undefined ? undefined : parseTimeOrDuration(since, now),
    until: options.until === undefined ? undefined : parseTimeOrDuration(options.until, now),
    filters: parseFilters(options.filter),
    follow: options.until === undefined,
    signal,
  };
}

/** Ctrl-C stops the stream cleanly with exit status 0. */
export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const signal = ctx.interruptSignal();
  const query = toEventQuery(options, ctx.now(), signal);
  const service = await ctx.getService();
  const format = options.format;
  try {
    for await (const event of service.system.events(query)) {
      ctx.stdout.write(format === undefined ? formatEventLine(event) : renderObject(format, eventTemplateData(event)));
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return 0;
};
