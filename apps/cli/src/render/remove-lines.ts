import { formatHumanSize, type ImageRemoveResult } from "@berth/core";

/** docker's `rmi` lines: `Untagged: busybox:latest`, `Deleted: sha256:…`. */
export function formatRemoveLines(results: readonly ImageRemoveResult[]): string {
  return results.map((result) => ("untagged" in result ? `Untagged: ${result.untagged}\n` : `Deleted: ${result.deleted}\n`)).join("");
}

/** One section of a prune report: `Deleted Images:` and its lines, then a blank line; nothing when empty. */
export function formatPruneSection(title: string, lines: readonly string[]): string {
  return lines.length === 0 ? "" : `${title}:\n${lines.map((line) => `${line}\n`).join("")}\n`;
}

/** `image prune`'s lines: lower-case, unlike rmi's. */
export function imagePruneLines(results: readonly ImageRemoveResult[]): string[] {
  return results.map((result) => ("untagged" in result ? `untagged: ${result.untagged}` : `deleted: ${result.deleted}`));
}

/** docker's prune report: the sections, then the total (go-units' HumanSize). */
export function formatPruneReport(sections: readonly string[], spaceReclaimed: number): string {
  return `${sections.join("")}Total reclaimed space: ${formatHumanSize(spaceReclaimed, 4)}\n`;
}
