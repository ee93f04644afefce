import { lstat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { BerthError, type ErrorCode } from "@berth/core";
import type { SandboxedRoot } from "./sandboxed-root.js";
import { expectConsistentStore } from "./store-invariants.js";

/**
 * Runs an operation that must be refused, then proves it was refused cleanly: a BerthError with
 * `code` whose message matches `message`, the image list unchanged, no staging or layer left
 * behind (`system check` empty, disk matching the rows), nothing changed beside the root and the
 * sandbox's canary name nowhere on the host. Returns the error.
 */
export async function expectRefusedCleanly(
  box: SandboxedRoot,
  operation: () => Promise<unknown>,
  expected: { code: ErrorCode; message: RegExp },
): Promise<BerthError> {
  const before = await box.engine.images.list({ all: true });
  const outside = await box.outsideDigest();
  const error: unknown = await operation().then(
    () => new Error("the operation was not refused"),
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BerthError);
  expect(error).toMatchObject({ code: expected.code });
  expect((error as BerthError).message).toMatch(expected.message);
  expect(await box.engine.images.list({ all: true })).toEqual(before);
  await expectConsistentStore(box.engine, box.root);
  expect(await box.outsideDigest()).toBe(outside);
  await expectCanaryNowhere(box);
  return error as BerthError;
}

/** The sandbox's unique canary name exists neither at /, nor in /tmp, nor beside the root. */
export async function expectCanaryNowhere(box: SandboxedRoot): Promise<void> {
  for (const dir of ["/", tmpdir(), box.dir, box.outside, join(box.root, "..", "..")]) {
    await expect(lstat(join(dir, box.canaryName)), dir).rejects.toMatchObject({ code: "ENOENT" });
  }
}
