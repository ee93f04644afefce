import { describe, expect, it } from "vitest";
import type { BerthEvent } from "@berth/core";
import { eventTemplateData, formatEventLine } from "./event-line.js";

const event: BerthEvent = {
  seq: 7,
  time: new Date("2024-01-02T03:04:05.123Z"),
  type: "image",
  action: "tag",
  objectId: `sha256:${"a".repeat(64)}`,
  actor: "cli:root",
  attributes: { name: "busybox:latest", actor: "cli:root" },
};

describe("formatEventLine", () => {
  it("prints docker's line: fixed nanosecond time, type, action, id, sorted attributes", () => {
    expect(formatEventLine(event)).toBe(
      `2024-01-02T03:04:05.123000000Z image tag sha256:${"a".repeat(64)} (actor=cli:root, name=busybox:latest)\n`,
    );
  });

  it("leaves out the parentheses when there are no attributes", () => {
    expect(formatEventLine({ ...event, attributes: {} })).toBe(
      `2024-01-02T03:04:05.123000000Z image tag sha256:${"a".repeat(64)}\n`,
    );
  });
});

describe("eventTemplateData", () => {
  it("offers docker's message fields", () => {
    expect(eventTemplateData(event)).toEqual({
      Type: "image",
      Action: "tag",
      Actor: { ID: event.objectId, Attributes: event.attributes },
      Scope: "local",
      Time: 1704164645,
      TimeNano: "1704164645123000000",
      Initiator: "cli:root",
    });
  });
});
