import { isBerthError } from "@berth/core";
import type { CommandContext } from "./context.js";
import { formatError } from "./exit-status.js";
import { renderObject } from "./output.js";

/**
 * docker's inspect: a JSON array indented by 4 spaces (or the template applied to each object),
 * then one error line per reference that failed; exit 1 if any failed.
 */
export async function inspectImages(
  ctx: CommandContext,
  references: readonly string[],
  format: string | undefined,
  describeNotFound: (reference: string) => string,
): Promise<number> {
  const service = await ctx.getService();
  const found: Record<string, unknown>[] = [];
  const errors: string[] = [];
  for (const reference of references) {
    try {
      found.push(await service.images.inspect(reference));
    } catch (error) {
      if (!isBerthError(error)) throw error;
      errors.push(isBerthError(error, "NOT_FOUND") ? `Error: ${describeNotFound(reference)}\n` : formatError(error));
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
