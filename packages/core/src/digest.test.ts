import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isBerthError } from "./errors.js";
import { chainIds, digestHex, EMPTY_LAYER_DIFF_ID, parseDigest, sha256Digest, sha256Hex, shortId } from "./digest.js";

const a = `sha256:${"a".repeat(64)}`;
const b = `sha256:${"b".repeat(64)}`;
const c = `sha256:${"c".repeat(64)}`;

describe("sha256", () => {
  it("hashes strings as UTF-8 and bytes as they are", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Digest(new Uint8Array([0x61, 0x62, 0x63]))).toBe(
      "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("knows the empty layer's DiffID (1024 zero bytes)", () => {
    expect(sha256Digest(new Uint8Array(1024))).toBe(EMPTY_LAYER_DIFF_ID);
  });
});

describe("parseDigest", () => {
  it("splits a valid digest", () => {
    expect(parseDigest(a)).toEqual({ algorithm: "sha256", hex: "a".repeat(64) });
    expect(digestHex(b)).toBe("b".repeat(64));
    expect(parseDigest(`sha512:${"0".repeat(128)}`).algorithm).toBe("sha512");
  });

  it.each([
    ["no colon", "a".repeat(64), "invalid checksum digest format"],
    ["short", "sha256:abc", "invalid checksum digest length"],
    ["uppercase hex", `sha256:${"A".repeat(64)}`, "invalid checksum digest format"],
    ["unknown algorithm", `md5:${"a".repeat(32)}`, "unsupported digest algorithm"],
    ["empty hex", "sha256:", "invalid checksum digest format"],
  ])("rejects %s", (_name, text, message) => {
    try {
      parseDigest(text);
      expect.unreachable();
    } catch (error) {
      expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
      expect((error as Error).message).toContain(message);
    }
  });
});

describe("chainIds", () => {
  it("computes ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + ' ' + DiffID(Ln))", () => {
    const hash = (text: string) => `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
    const second = hash(`${a} ${b}`);
    const third = hash(`${second} ${c}`);
    expect(chainIds([a, b, c])).toEqual([a, second, third]);
    expect(chainIds([])).toEqual([]);
  });

  it("rejects something that is not a DiffID", () => {
    expect(() => chainIds(["nope"])).toThrow(/invalid checksum digest/);
  });
});

describe("shortId", () => {
  it("keeps the first 12 hex characters", () => {
    expect(shortId(`sha256:0123456789abcdef${"0".repeat(48)}`)).toBe("0123456789ab");
    expect(shortId("0123456789abcdef")).toBe("0123456789ab");
  });
});
