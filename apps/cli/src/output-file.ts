import { randomBytes } from "node:crypto";
import { open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Write beside the target, fsync, then rename: a failed save never leaves a partial file. */
export async function writeFileAtomically(path: string, data: AsyncIterable<Uint8Array>): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.berth-${randomBytes(6).toString("hex")}`);
  const file = await open(temporary, "wx", 0o644);
  try {
    await writeFile(file, data);
    await file.sync();
    await file.close();
    await rename(temporary, path);
  } catch (error) {
    await file.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
}
