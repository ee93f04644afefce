import { describe, expect, it } from "vitest";
import { defaultDetachKeys, parseDetachKeys, relayUntilDetach } from "./detach-keys.js";

async function relay(chunks: string[], keys = defaultDetachKeys) {
  let isDetached = false;
  const out: string[] = [];
  async function* input() {
    for (const chunk of chunks) yield Buffer.from(chunk, "latin1");
  }
  for await (const chunk of relayUntilDetach(input(), parseDetachKeys(keys), () => (isDetached = true))) {
    out.push(Buffer.from(chunk).toString("latin1"));
  }
  return { out: out.join(""), isDetached };
}

describe("parseDetachKeys", () => {
  it("reads docker's spelling", () => {
    expect([...parseDetachKeys("ctrl-p,ctrl-q")]).toEqual([16, 17]);
    expect([...parseDetachKeys("ctrl-@,ctrl-[,ctrl-_,x")]).toEqual([0, 27, 31, 120]);
    expect(() => parseDetachKeys("ctrl-1")).toThrow('invalid detach keys (ctrl-1): unknown key "ctrl-1"');
    expect(() => parseDetachKeys("")).toThrow("invalid detach keys");
  });
});

describe("relayUntilDetach", () => {
  it("passes bytes through and ends at the sequence, swallowing it", async () => {
    expect(await relay(["ls\r", "ab\x10\x11cd"])).toEqual({ out: "ls\rab", isDetached: true });
  });

  it("finds a sequence split across reads", async () => {
    expect(await relay(["a\x10", "\x11b"])).toEqual({ out: "a", isDetached: true });
  });

  it("sends a held byte on when the sequence breaks off", async () => {
    expect(await relay(["a\x10", "b", "\x10\x10\x11"])).toEqual({ out: "a\x10b\x10", isDetached: true });
    expect(await relay(["\x10"])).toEqual({ out: "\x10", isDetached: false });
    expect(await relay(["plain"])).toEqual({ out: "plain", isDetached: false });
  });
});
