import { resolve } from "node:path";
import type { ByteSource } from "@berth/core";
import type { CommandContext } from "./context.js";

/** FILE, URL or `-` (stdin) as the service's byte source. */
export function toByteSource(ctx: CommandContext, text: string): ByteSource {
  if (text === "-") return { kind: "stream", stream: ctx.stdin };
  if (/^https?:\/\//i.test(text)) return { kind: "url", url: text };
  return { kind: "file", path: resolve(ctx.cwd, text) };
}
