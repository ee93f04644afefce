import { constants } from "node:fs";
import { access, mkdir, open, readFile, readdir, rmdir } from "node:fs/promises";

/**
 * The one seam through which the cgroup code touches the host. Errors keep the errno `code`
 * (ENOENT, EBUSY…) so callers can tell a missing cgroup from a busy one.
 */
export interface CgroupHost {
  readFile(path: string): Promise<string>;
  /** One write(2) of `value` to an existing kernel file (cgroupfs takes one rule or pid per write). */
  writeFile(path: string, value: string): Promise<void>;
  /** Makes one directory; an existing one counts as success. */
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Names of the subdirectories of `path`. */
  listDirs(path: string): Promise<string[]>;
  /** Sends a signal; a process that is already gone is not an error. */
  kill(pid: number, signal: number): void;
  sleep(ms: number): Promise<void>;
}

export function errnoCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

/** The real host: node:fs on cgroupfs and process.kill. */
export function createFsCgroupHost(): CgroupHost {
  return {
    readFile: (path) => readFile(path, "utf8"),
    async writeFile(path, value) {
      // O_WRONLY without O_CREAT or O_TRUNC: some cgroup files (cgroup.kill, devices.allow)
      // cannot be opened for reading, and none can be created.
      const handle = await open(path, constants.O_WRONLY);
      try {
        await handle.write(value);
      } finally {
        await handle.close();
      }
    },
    async mkdir(path) {
      try {
        await mkdir(path);
      } catch (error) {
        if (errnoCode(error) !== "EEXIST") throw error;
      }
    },
    rmdir: (path) => rmdir(path),
    async exists(path) {
      try {
        await access(path);
        return true;
      } catch {
        return false;
      }
    },
    async listDirs(path) {
      const entries = await readdir(path, { withFileTypes: true });
      return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    },
    kill(pid, signal) {
      try {
        process.kill(pid, signal);
      } catch (error) {
        if (errnoCode(error) !== "ESRCH") throw error;
      }
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
