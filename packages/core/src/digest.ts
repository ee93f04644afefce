import { createHash } from "node:crypto";
import { invalidArgument } from "./errors.js";

/** DiffID of the empty layer tar (1024 zero bytes); Docker records such a step as `empty_layer`. */
export const EMPTY_LAYER_DIFF_ID = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

/** Hex length of each digest algorithm berth accepts (the ones go-digest registers). */
const hexLengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

const algorithmPattern = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const lowerHexPattern = /^[0-9a-f]+$/;

export interface ParsedDigest {
  /** e.g. "sha256" */
  algorithm: string;
  /** the encoded part, lowercase hex */
  hex: string;
}

/** Lowercase hex sha256 of bytes or of the UTF-8 encoding of a string. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256:<hex>` of bytes or of the UTF-8 encoding of a string. */
export function sha256Digest(data: Uint8Array | string): string {
  return `sha256:${sha256Hex(data)}`;
}

/**
 * Validates `<algorithm>:<hex>` the way go-digest does: a known algorithm (sha256, sha384,
 * sha512) and exactly its length of lowercase hex. Throws INVALID_ARGUMENT otherwise.
 */
export function parseDigest(text: string): ParsedDigest {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) {
    throw invalidArgument(`invalid checksum digest format: ${JSON.stringify(text)}`);
  }
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  if (!algorithmPattern.test(algorithm)) {
    throw invalidArgument(`invalid checksum digest format: ${JSON.stringify(text)}`);
  }
  const expectedLength = hexLengths[algorithm];
  if (expectedLength === undefined) {
    throw invalidArgument(`unsupported digest algorithm: ${JSON.stringify(text)}`);
  }
  if (hex.length !== expectedLength) {
    throw invalidArgument(`invalid checksum digest length: ${JSON.stringify(text)}`);
  }
  if (!lowerHexPattern.test(hex)) {
    throw invalidArgument(`invalid checksum digest format: ${JSON.stringify(text)}`);
  }
  return { algorithm, hex };
}

/** True when `text` is a valid digest per {@link parseDigest}. */
export function isDigest(text: string): boolean {
  try {
    parseDigest(text);
    return true;
  } catch {
    return false;
  }
}

/** The hex part of a valid digest (`sha256:abc…` → `abc…`). */
export function digestHex(digest: string): string {
  return parseDigest(digest).hex;
}

/**
 * ChainIDs of a layer stack, base first: ChainID(L0) = DiffID(L0) and
 * ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " + DiffID(Ln)).
 */
export function chainIds(diffIds: readonly string[]): string[] {
  const result: string[] = [];
  let previous: string | undefined;
  for (const diffId of diffIds) {
    parseDigest(diffId);
    previous = previous === undefined ? diffId : sha256Digest(`${previous} ${diffId}`);
    result.push(previous);
  }
  return result;
}

/** The 12-character short form of an ID or digest (`sha256:` stripped), as `images`/`ps` print. */
export function shortId(id: string): string {
  const colon = id.indexOf(":");
  return (colon >= 0 ? id.slice(colon + 1) : id).slice(0, 12);
}
