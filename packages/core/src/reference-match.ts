import type { ImageReference } from "./reference.js";
import { matchPathPattern } from "./path-match.js";

/**
 * Docker's `reference.FamiliarMatch`, used by `images -f reference=…` and `images REPO[:TAG]`:
 * the pattern is matched (Go path.Match) against the familiar string (`busybox:latest`) and,
 * failing that, against the familiar name alone (`busybox`), so a pattern without a tag matches
 * every tag. `*` does not cross `/`. Throws INVALID_ARGUMENT for a malformed pattern.
 */
export function matchReferencePattern(pattern: string, ref: ImageReference): boolean {
  return matchPathPattern(pattern, ref.familiar) || matchPathPattern(pattern, ref.familiarRepository);
}
