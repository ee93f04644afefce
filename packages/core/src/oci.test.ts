import { describe, expect, it } from "vitest";
import { isBerthError } from "./errors.js";
import { parseImageConfig, type ImageConfig } from "./oci.js";
import { serializeImageConfig } from "./image-config-json.js";
import { historyLayerPairs } from "./image-history.js";

const d1 = `sha256:${"1".repeat(64)}`;
const d2 = `sha256:${"2".repeat(64)}`;
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function expectCorrupted(input: string, message: string): void {
  try {
    parseImageConfig(input);
    expect.unreachable();
  } catch (error) {
    expect(isBerthError(error, "DATA_CORRUPTED")).toBe(true);
    expect((error as Error).message).toContain(message);
  }
}

describe("parseImageConfig", () => {
  it("reads a docker config, treating null as absent and keeping unknown fields", () => {
    const config = parseImageConfig(
      new TextEncoder().encode(
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          created: "2024-01-02T03:04:05.123Z",
          config: { Cmd: "sh", Env: null, OnBuild: null, ExposedPorts: { "80/tcp": {} }, Custom: 1 },
          rootfs: { type: "layers", diff_ids: [d1] },
          history: [{ created_by: "/bin/sh -c #(nop) ADD file:x in / " }, { empty_layer: true, extra: "y" }],
          "x-vendor": { a: 1 },
        }),
      ),
    );
    expect(config.config?.Cmd).toEqual(["sh"]);
    expect(config.config?.Env).toBeUndefined();
    expect(config.config?.ExposedPorts).toEqual({ "80/tcp": {} });
    expect(config.config?.Custom).toBe(1);
    expect(config["x-vendor"]).toEqual({ a: 1 });
    expect(config.history?.[1]).toEqual({ empty_layer: true, extra: "y" });
  });

  it("accepts a rootfs without diff_ids (docker omits an empty list)", () => {
    expect(parseImageConfig('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}').rootfs.diff_ids).toEqual([]);
  });

  it("reports what is wrong as DATA_CORRUPTED", () => {
    expectCorrupted("{", "invalid image config:");
    expectCorrupted('{"architecture":"amd64","os":"linux","rootfs":{"type":"tar"}}', "invalid image config: rootfs.type:");
    expectCorrupted('{"os":"linux","rootfs":{"type":"layers"}}', "invalid image config: architecture:");
    expectCorrupted('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["nope"]}}', "rootfs.diff_ids.0");
    expectCorrupted("[]", "invalid image config:");
  });
});

describe("serializeImageConfig", () => {
  const config: ImageConfig = {
    rootfs: { type: "layers", diff_ids: [d1] },
    os: "linux",
    history: [{ empty_layer: true, comment: "c", created: "2024-01-01T00:00:00Z" }],
    config: {
      Labels: { z: "1", a: "<&>" },
      Cmd: ["sh"],
      Env: ["PATH=/bin"],
      ExposedPorts: { "443/tcp": {}, "80/tcp": {} },
      User: "app",
    },
    architecture: "amd64",
    created: "2024-01-01T00:00:00Z",
    comment: undefined,
  };

  it("writes Go encoding/json: compact, sorted top level, struct order inside, maps sorted, <>& escaped", () => {
    expect(text(serializeImageConfig(config))).toBe(
      '{"architecture":"amd64",' +
        '"config":{"User":"app","ExposedPorts":{"443/tcp":{},"80/tcp":{}},"Env":["PATH=/bin"],"Cmd":["sh"],' +
        '"Labels":{"a":"\\u003c\\u0026\\u003e","z":"1"}},' +
        '"created":"2024-01-01T00:00:00Z",' +
        '"history":[{"created":"2024-01-01T00:00:00Z","comment":"c","empty_layer":true}],' +
        '"os":"linux",' +
        `"rootfs":{"type":"layers","diff_ids":["${d1}"]}}`,
    );
  });

  it("round-trips through parseImageConfig and is stable", () => {
    const bytes = serializeImageConfig(config);
    const parsed = parseImageConfig(bytes);
    expect(text(serializeImageConfig(parsed))).toBe(text(bytes));
  });

  it("escapes like Go: control characters, U+2028, lone surrogates", () => {
    const odd: ImageConfig = { architecture: "a", os: "\u0001\u2028\ud800\n\"é😀", rootfs: { type: "layers", diff_ids: [] } };
    expect(text(serializeImageConfig(odd))).toContain('"os":"\\u0001\\u2028\\ufffd\\n\\"é😀"');
  });
});

describe("historyLayerPairs", () => {
  const base = { architecture: "amd64", os: "linux" };

  it("pairs non-empty history entries with diff_ids in order", () => {
    const pairs = historyLayerPairs({
      ...base,
      rootfs: { type: "layers", diff_ids: [d1, d2] },
      history: [{ created_by: "ADD" }, { created_by: "ENV", empty_layer: true }, { created_by: "RUN" }],
    });
    expect(pairs.map((p) => [p.entry.created_by, p.diffIdIndex, p.diffId])).toEqual([
      ["ADD", 0, d1],
      ["ENV", null, null],
      ["RUN", 1, d2],
    ]);
  });

  it("tolerates too many history entries and too many layers", () => {
    const extraHistory = historyLayerPairs({
      ...base,
      rootfs: { type: "layers", diff_ids: [d1] },
      history: [{ created_by: "a" }, { created_by: "b" }],
    });
    expect(extraHistory.map((p) => p.diffIdIndex)).toEqual([0, null]);
    const noHistory = historyLayerPairs({ ...base, rootfs: { type: "layers", diff_ids: [d1, d2] } });
    expect(noHistory).toEqual([
      { entry: {}, diffIdIndex: 0, diffId: d1 },
      { entry: {}, diffIdIndex: 1, diffId: d2 },
    ]);
  });
});
