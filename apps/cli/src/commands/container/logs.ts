import { parseTimeOrDuration, type LogEntry, type LogOptions } from "@berth/core";
import { booleanOption, defineSpec, stringOption, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "container logs",
  aliases: ["logs"],
  summary: "Print what a container wrote to stdout and stderr",
  usage: "[OPTIONS] CONTAINER",
  args: [{ name: "CONTAINER" }],
  options: {
    follow: booleanOption("-f, --follow", "Keep printing new output until the container exits"),
    since: stringOption("--since string", "Only output since this time: a timestamp (2024-01-02T13:23:37Z) or a duration ago (42m)"),
    tail: stringOption("-n, --tail string", "Only the last N lines (default all)"),
    timestamps: booleanOption("-t, --timestamps", "Prefix each line with its time"),
    until: stringOption("--until string", "Only output before this time: a timestamp or a duration ago"),
  },
  examples: ["berth logs web", "berth logs -f --tail 10 web", "berth logs -t --since 5m web"],
});

/** The flags as the service's options. Like docker, a --tail that is not a whole number >= 0 means all. */
export function toLogOptions(
  options: { follow: boolean; since: string | undefined; tail: string | undefined; until: string | undefined },
  now: Date,
  signal: AbortSignal,
): LogOptions {
  const tail = options.tail !== undefined && /^\d+$/.test(options.tail) ? Number(options.tail) : undefined;
  return {
    follow: options.follow,
    tail,
    since: options.since === undefined ? undefined : parseTimeOrDuration(options.since, now),
    until: options.until === undefined ? undefined : parseTimeOrDuration(options.until, now),
    signal,
  };
}

/** docker's `-t` prefix: the stored RFC 3339 time with nanoseconds, then a space. */
export function formatLogLine(entry: LogEntry, hasTimestamp: boolean): Uint8Array {
  return hasTimestamp ? Buffer.concat([Buffer.from(`${entry.timestamp} `), entry.line]) : entry.line;
}

/** stdout lines to stdout, stderr lines to stderr; Ctrl-C ends `-f` with status 0. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const signal = ctx.interruptSignal();
  const logOptions = toLogOptions(options, ctx.now(), signal);
  const { containers } = await ctx.getService();
  try {
    for await (const entry of containers.logs(args[0]!, logOptions)) {
      (entry.stream === "stderr" ? ctx.stderr : ctx.stdout).write(formatLogLine(entry, options.timestamps));
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  }
  return 0;
};
