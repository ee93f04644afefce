import { formatHumanSize, formatRelativeTime, shortId, type ImageHistoryRow } from "@berth/core";
import { formatRfc3339, truncateWithEllipsis } from "./text.js";

/** One line of `history`, with docker's field names for `--format`. */
export interface HistoryRow {
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  CreatedBy: string;
  Size: string;
  Comment: string;
}

export const historyHeaderNames = {
  ID: "IMAGE",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  CreatedBy: "CREATED BY",
  Size: "SIZE",
  Comment: "COMMENT",
} as const;

export const defaultHistoryTableFormat = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
export const nonHumanHistoryTableFormat = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

/** docker shows no age for entries dated before 2000 (zeroed timestamps of reproducible builds). */
const epoch = Date.UTC(2000, 0, 1);
const createdByWidth = 45;

export interface HistoryRowOptions {
  /** `-H` (default true): relative times and human sizes; false gives RFC 3339 and bytes. */
  isHuman: boolean;
  isTruncated: boolean;
  now: Date;
}

export function buildHistoryRows(history: readonly ImageHistoryRow[], options: HistoryRowOptions): HistoryRow[] {
  return history.map((entry) => {
    const createdAt = formatRfc3339(entry.created);
    const createdBy = entry.createdBy.replaceAll("\t", " ");
    let createdSince = createdAt;
    if (options.isHuman) createdSince = entry.created.getTime() <= epoch ? "" : formatRelativeTime(entry.created, options.now);
    return {
      ID: options.isTruncated && entry.id !== "<missing>" ? shortId(entry.id) : entry.id,
      CreatedSince: createdSince,
      CreatedAt: createdAt,
      CreatedBy: options.isTruncated ? truncateWithEllipsis(createdBy, createdByWidth) : createdBy,
      Size: options.isHuman ? formatHumanSize(entry.size) : String(entry.size),
      Comment: entry.comment,
    };
  });
}
