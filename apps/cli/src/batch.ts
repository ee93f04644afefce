import { isBerthError } from "@berth/core";
import type { CommandContext } from "./context.js";
import { formatError } from "./exit-status.js";

/**
 * A batch verb (`stop a b c`): each name in turn, one after another; what `act` returns is printed
 * as that name's line (docker prints the name as given, `wait` the exit code). Failures do not stop
 * the batch: each is reported as `Error: …` once all are done, and the status is 1 if any failed.
 */
export async function forEachContainer(
  ctx: CommandContext,
  names: readonly string[],
  act: (name: string) => Promise<string>,
): Promise<number> {
  const failures: string[] = [];
  for (const name of names) {
    try {
      ctx.stdout.write(`${await act(name)}\n`);
    } catch (error) {
      if (!isBerthError(error)) throw error;
      failures.push(formatError(error));
    }
  }
  ctx.stderr.write(failures.join(""));
  return failures.length === 0 ? 0 : 1;
}
