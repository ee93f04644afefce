/** Stable error codes shared by every berth package. Match on these, never on message text. */
export const errorCodes = [
  "NOT_FOUND",
  "CONFLICT",
  "INVALID_ARGUMENT",
  "PERMISSION_DENIED",
  "UNAVAILABLE",
  "DATA_CORRUPTED",
  "INTERNAL",
  /** A container's command was not found (docker's 127 from `run`). */
  "COMMAND_NOT_FOUND",
  /** A container's command exists but cannot be executed (docker's 126 from `run`). */
  "COMMAND_NOT_EXECUTABLE",
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface BerthErrorOptions {
  hint?: string;
  cause?: unknown;
}

/** The one error type of berth: a stable code, a docker-like message and an optional hint. */
export class BerthError extends Error {
  override readonly name = "BerthError";
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}

export function isBerthError(value: unknown, code?: ErrorCode): value is BerthError {
  return value instanceof BerthError && (code === undefined || value.code === code);
}

export const notFound = (message: string, hint?: string) => new BerthError("NOT_FOUND", message, { hint });
export const conflict = (message: string, hint?: string) => new BerthError("CONFLICT", message, { hint });
export const invalidArgument = (message: string, hint?: string) =>
  new BerthError("INVALID_ARGUMENT", message, { hint });
export const dataCorrupted = (message: string, hint?: string) =>
  new BerthError("DATA_CORRUPTED", message, { hint });
