import type { Hash } from "node:crypto";
import { BerthError, parseDigest } from "@berth/core";

/** True for `sha256:` followed by exactly 64 lowercase hex digits (formats.md §0). */
export function isSha256Digest(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    return parseDigest(value).algorithm === "sha256";
  } catch {
    return false;
  }
}

/**
 * Validates an untrusted digest with core's parser, requires sha256 (the only algorithm the blob
 * store keeps), and returns its hex part, safe to use as a file name. Always call this before
 * turning a digest from outside into a path.
 */
export function sha256Hex(digest: string, what = "digest"): string {
  if (!isSha256Digest(digest)) {
    throw new BerthError("INVALID_ARGUMENT", `invalid ${what} ${JSON.stringify(String(digest).slice(0, 100))}`, {
      hint: "expected sha256: followed by 64 lowercase hex digits",
    });
  }
  return digest.slice("sha256:".length);
}

export function formatSha256(hash: Hash): string {
  return `sha256:${hash.digest("hex")}`;
}
