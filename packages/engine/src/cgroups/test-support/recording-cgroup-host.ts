import { dirname } from "node:path";
import type { CgroupHost } from "../cgroup-host.js";

export type RecordedCall =
  | { call: "readFile" | "mkdir" | "rmdir" | "exists" | "listDirs"; path: string }
  | { call: "writeFile"; path: string; value: string }
  | { call: "kill"; pid: number; signal: number }
  | { call: "sleep"; ms: number };

/** Reactions of the simulated kernel, so a test can play FREEZING → FROZEN, exiting processes… */
export interface FakeKernelHooks {
  afterWrite?(path: string, value: string): void;
  afterMkdir?(path: string): void;
  afterKill?(pid: number, signal: number): void;
  afterSleep?(): void;
}

/**
 * An in-memory cgroupfs behind the host seam that records every call. Writes land in any existing
 * directory (the kernel made the file with the directory); mkdir wants its parent; rmdir fails
 * with EBUSY while a child directory exists or `busy` says so.
 */
export interface RecordingCgroupHost extends CgroupHost {
  calls: RecordedCall[];
  files: Map<string, string>;
  dirs: Set<string>;
  /** rmdir of this path fails with EBUSY this many more times. */
  busy: Map<string, number>;
  hooks: FakeKernelHooks;
  /** The recorded calls of some kinds only. */
  callsOf(...kinds: Array<RecordedCall["call"]>): RecordedCall[];
}

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${syscall} '${path}'`), { code, syscall, path });
}

export function createRecordingCgroupHost(init: { dirs?: string[]; files?: Record<string, string> } = {}): RecordingCgroupHost {
  const files = new Map(Object.entries(init.files ?? {}));
  const dirs = new Set(init.dirs ?? []);
  for (const path of files.keys()) dirs.add(dirname(path));
  const calls: RecordedCall[] = [];
  const busy = new Map<string, number>();
  const hooks: FakeKernelHooks = {};
  const children = (path: string) => [...dirs].filter((dir) => dirname(dir) === path && dir !== path);
  return {
    calls,
    files,
    dirs,
    busy,
    hooks,
    callsOf: (...kinds) => calls.filter((call) => kinds.includes(call.call)),
    async readFile(path) {
      calls.push({ call: "readFile", path });
      const text = files.get(path);
      if (text === undefined) throw errno("ENOENT", "open", path);
      return text;
    },
    async writeFile(path, value) {
      calls.push({ call: "writeFile", path, value });
      if (!dirs.has(dirname(path))) throw errno("ENOENT", "open", path);
      files.set(path, value);
      hooks.afterWrite?.(path, value);
    },
    async mkdir(path) {
      calls.push({ call: "mkdir", path });
      if (!dirs.has(dirname(path))) throw errno("ENOENT", "mkdir", path);
      dirs.add(path);
      hooks.afterMkdir?.(path);
    },
    async rmdir(path) {
      calls.push({ call: "rmdir", path });
      if (!dirs.has(path)) throw errno("ENOENT", "rmdir", path);
      const busyCount = busy.get(path) ?? 0;
      if (busyCount > 0 || children(path).length > 0) {
        busy.set(path, Math.max(busyCount - 1, 0));
        throw errno("EBUSY", "rmdir", path);
      }
      dirs.delete(path);
      for (const file of [...files.keys()]) if (dirname(file) === path) files.delete(file);
    },
    async exists(path) {
      calls.push({ call: "exists", path });
      return files.has(path) || dirs.has(path);
    },
    async listDirs(path) {
      calls.push({ call: "listDirs", path });
      if (!dirs.has(path)) throw errno("ENOENT", "scandir", path);
      return children(path).map((dir) => dir.slice(path.length + 1));
    },
    kill(pid, signal) {
      calls.push({ call: "kill", pid, signal });
      hooks.afterKill?.(pid, signal);
    },
    async sleep(ms) {
      calls.push({ call: "sleep", ms });
      hooks.afterSleep?.();
    },
  };
}
