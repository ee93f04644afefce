import type { ImageRemoveResult } from "@berth/core";

/** docker's `rmi` lines: `Untagged: busybox:latest`, `Deleted: sha256:…`. */
export function formatRemoveLines(results: readonly ImageRemoveResult[]): string {
  return results.map((result) => ("untagged" in result ? `Untagged: ${result.untagged}\n` : `Deleted: ${result.deleted}\n`)).join("");
}

/** docker's `image prune` report: lower-case lines under a heading, then the total. */
export function formatPruneReport(results: readonly ImageRemoveResult[], totalReclaimed: string): string {
  const lines = results.map((result) => ("untagged" in result ? `untagged: ${result.untagged}\n` : `deleted: ${result.deleted}\n`));
  const deleted = lines.length === 0 ? "" : `Deleted Images:\n${lines.join("")}\n`;
  return `${deleted}Total reclaimed space: ${totalReclaimed}\n`;
}
