import type { HistoryEntry, ImageConfig } from "./oci.js";

export interface HistoryLayerPair {
  entry: HistoryEntry;
  /** Index into `rootfs.diff_ids`, or null for an empty layer (or a history entry with no layer left). */
  diffIdIndex: number | null;
  diffId: string | null;
}

/**
 * Pairs `history` entries, base first, with the `rootfs.diff_ids` they produced: non-empty entries
 * take the next diff_id in order. Third-party images may disagree in counts; this never throws:
 * surplus non-empty entries get null, and diff_ids left over get an empty synthesized entry `{}`.
 */
export function historyLayerPairs(config: ImageConfig): HistoryLayerPair[] {
  const diffIds = config.rootfs.diff_ids;
  const pairs: HistoryLayerPair[] = [];
  let next = 0;
  for (const entry of config.history ?? []) {
    if (entry.empty_layer === true || next >= diffIds.length) {
      pairs.push({ entry, diffIdIndex: null, diffId: null });
    } else {
      pairs.push({ entry, diffIdIndex: next, diffId: diffIds[next]! });
      next += 1;
    }
  }
  for (; next < diffIds.length; next++) pairs.push({ entry: {}, diffIdIndex: next, diffId: diffIds[next]! });
  return pairs;
}
