import { createInterface } from "node:readline";
import type { CommandContext } from "./context.js";

/**
 * docker's confirmation: print the question with ` [y/N] ` and read one line from stdin;
 * only "y" (any case) confirms. End of input counts as no.
 */
export async function confirm(ctx: CommandContext, question: string): Promise<boolean> {
  ctx.stdout.write(`${question} [y/N] `);
  const lines = createInterface({ input: ctx.stdin, terminal: false });
  try {
    for await (const line of lines) return line.trim().toLowerCase() === "y";
    return false;
  } finally {
    lines.close();
  }
}
