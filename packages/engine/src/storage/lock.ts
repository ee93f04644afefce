import { join } from "node:path";
import { BerthError } from "@berth/core";
import { withLockFile, type LockFileOptions } from "@berth/db";

// Named locks of one root, one file each under <lockDir> (/run/berth/<hash>/locks): the
// engine's store-wide and per-object mutations. The lock file itself is @berth/db's, which
// migrations use too.

const LOCK_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/;

/** Runs `fn` while holding the exclusive lock `name` in `lockDir` (created if missing). */
export async function withLock<T>(
  lockDir: string,
  name: string,
  fn: () => Promise<T> | T,
  options: LockFileOptions = {},
): Promise<T> {
  if (!LOCK_NAME.test(name)) throw new BerthError("INVALID_ARGUMENT", `invalid lock name ${JSON.stringify(name)}`);
  return withLockFile(join(lockDir, `${name}.lock`), fn, options);
}
