import type { BerthEvent } from "@berth/core";
import { formatRfc3339NanoFixed } from "./text.js";

/**
 * docker's `events` line: time, type, action, object id, then the attributes sorted by key.
 * `2024-01-02T03:04:05.123456789Z image tag sha256:… (name=busybox:latest)`
 */
export function formatEventLine(event: BerthEvent): string {
  const attributes = Object.keys(event.attributes)
    .sort()
    .map((key) => `${key}=${event.attributes[key]}`);
  const suffix = attributes.length === 0 ? "" : ` (${attributes.join(", ")})`;
  return `${formatRfc3339NanoFixed(event.time)} ${event.type} ${event.action} ${event.objectId}${suffix}\n`;
}

/** The object `events --format` templates see: docker's message fields, plus who did it. */
export function eventTemplateData(event: BerthEvent) {
  const milliseconds = event.time.getTime();
  return {
    Type: event.type,
    Action: event.action,
    Actor: { ID: event.objectId, Attributes: event.attributes },
    Scope: "local",
    Time: Math.floor(milliseconds / 1000),
    TimeNano: `${milliseconds}000000`,
    /** berth's own: "cli:root", "console:alice", "monitor"… */
    Initiator: event.actor,
  };
}
