import { isBerthError } from "@berth/core";
import type { CommandContext } from "./context.js";
import { formatError } from "./exit-status.js";
import { renderObject } from "./output.js";

export interface InspectLookup {
  /** The docker-shaped object for a reference; throws NOT_FOUND when there is none. */
  find(reference: string): Promise<Record<string, unknown>>;
  /** The error line's text for a reference nothing matched: `No such image: x`. */
  describeNotFound(reference: string): string;
}

/**
 * docker's inspect: a JSON array indented by 4 spaces (or the template applied to each object),
 * then one error line per reference that failed; exit 1 if any failed.
 */
export async function inspectObjects(
  ctx: CommandContext,
  references: readonly string[],
  format: string | undefined,
  lookup: InspectLookup,
): Promise<number> {
  const found: Record<string, unknown>[] = [];
  const errors: string[] = [];
  for (const reference of references) {
    try {
      found.push(await lookup.find(reference));
    } catch (error) {
      if (!isBerthError(error)) throw error;
      errors.push(isBerthError(error, "NOT_FOUND") ? `Error: ${lookup.describeNotFound(reference)}\n` : formatError(error));
    }
  }
  if (format === undefined || format === "") {
    ctx.stdout.write(found.length === 0 ? "[]\n" : `${JSON.stringify(found, null, 4)}\n`);
  } else {
    ctx.stdout.write(found.map((object) => renderObject(format, object, { missingFields: "no-value" })).join(""));
  }
  ctx.stderr.write(errors.join(""));
  return errors.length === 0 ? 0 : 1;
}
