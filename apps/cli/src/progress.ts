import { formatHumanSize, type Progress, type ProgressListener } from "@berth/core";
import type { CommandContext } from "./context.js";

/** `Loading layer 3f5a…: 12.5MB/40MB 8.2MB/s` — one line, rewritten in place. */
export function formatProgressLine(progress: Progress, bytesPerSecond: number | undefined): string {
  const subject = progress.id === undefined ? progress.phase : `${progress.phase} ${progress.id}`;
  const amount =
    progress.total === undefined
      ? formatHumanSize(progress.current)
      : `${formatHumanSize(progress.current)}/${formatHumanSize(progress.total)}`;
  const rate = bytesPerSecond === undefined ? "" : ` ${formatHumanSize(bytesPerSecond)}/s`;
  return `${subject}: ${amount}${rate}`;
}

export interface ProgressLine {
  /** Pass to the service; undefined when progress is not shown. */
  listener: ProgressListener | undefined;
  /** Erase the line before the command prints its result. */
  finish(): void;
}

const redrawIntervalMs = 100;

/**
 * Progress on stderr when it is a terminal, unless quiet: a single line, redrawn at most ten
 * times a second, with the rate since the current phase began.
 */
export function createProgressLine(ctx: CommandContext, options: { isQuiet?: boolean } = {}): ProgressLine {
  if (!ctx.isStderrTty || options.isQuiet === true) return { listener: undefined, finish() {} };
  let lastDraw = 0;
  let phaseKey = "";
  let phaseStart = 0;
  let isDrawn = false;
  return {
    listener(progress) {
      const now = ctx.now().getTime();
      const key = `${progress.phase}\u0000${progress.id ?? ""}`;
      if (key !== phaseKey) {
        phaseKey = key;
        phaseStart = now;
      }
      const isComplete = progress.total !== undefined && progress.current >= progress.total;
      if (now - lastDraw < redrawIntervalMs && !isComplete) return;
      lastDraw = now;
      const elapsedSeconds = (now - phaseStart) / 1000;
      const rate = elapsedSeconds >= 0.5 ? progress.current / elapsedSeconds : undefined;
      ctx.stderr.write(`\r\u001b[2K${formatProgressLine(progress, rate)}`);
      isDrawn = true;
    },
    finish() {
      if (isDrawn) ctx.stderr.write("\r\u001b[2K");
      isDrawn = false;
    },
  };
}
