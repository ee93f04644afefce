import * as z from "zod";
import { dataCorrupted } from "./errors.js";

/** An optional field where JSON `null` means the same as absent (Go's nil slices and maps). */
export function absent<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** Docker's strslice.StrSlice: a JSON array of strings, or a single string meaning [string]. */
export const strSliceSchema = z.preprocess(
  (value) => (typeof value === "string" ? [value] : value),
  z.array(z.string()),
);

/** A JSON object used as a set (`ExposedPorts`, `Volumes`): values are `{}` (null tolerated). */
export const setSchema = z.record(
  z.string(),
  z.preprocess((value) => (value === null ? {} : value), z.object({}).loose()),
);

/** Decodes UTF-8 JSON bytes and validates them; any failure is DATA_CORRUPTED `invalid <what>: …`. */
export function parseJsonBytes<T extends z.ZodType>(schema: T, bytes: Uint8Array | string, what: string): z.infer<T> {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes));
  } catch (error) {
    throw dataCorrupted(`invalid ${what}: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "" : `${issue.path.join(".")}: `;
    throw dataCorrupted(`invalid ${what}: ${where}${issue?.message ?? "does not match the schema"}`);
  }
  return result.data;
}
