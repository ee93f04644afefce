import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Write beside the target, fsync, then rename: a failed save never leaves a partial file. Each
 * chunk is written while the next one is produced (read from the store), not after.
 */
export async function writeFileAtomically(path: string, data: AsyncIterable<Uint8Array>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.berth-${randomBytes(6).toString("hex")}`);
  const file = await open(temporary, "wx", 0o644);
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const chunk of data) {
      await writing;
      writing = file.writeFile(chunk); // at the file's position, however many write(2)s it takes
    }
    await writing;
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await writing.catch(() => {});
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
