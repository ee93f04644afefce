import type { execa as Execa } from "execa";

let loading: Promise<typeof Execa> | undefined;

/**
 * execa, imported on first use. Most commands (images, inspect, tag, ps…) never spawn a process,
 * and importing execa at start-up costs every one of them tens of milliseconds.
 */
export function loadExeca(): Promise<typeof Execa> {
  loading ??= import("execa").then((module) => module.execa);
  return loading;
}
