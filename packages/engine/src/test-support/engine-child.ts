import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";

// Other berth processes for crash and concurrency tests: each runs engine-child.mjs, which opens
// the *built* engine (dist/, what the CLI runs) on a root and performs one job, reporting JSON
// lines on stdout. dist/ is rebuilt first when any engine source is newer than its output.

const packageDir = fileURLToPath(new URL("../../", import.meta.url));
const childScript = fileURLToPath(new URL("./engine-child.mjs", import.meta.url));

export type ChildJob =
  | { kind: "load"; path: string }
  | { kind: "import"; path: string; reference?: string }
  | { kind: "worker"; id: number; rounds: number; tars: string[]; sharedTar: string; workers: number }
  | { kind: "churn"; path: string; reference: string; rounds: number }
  | { kind: "build"; path: string };

export interface ChildMessage {
  event: "ready" | "done" | "output";
  [key: string]: unknown;
}

export interface EngineChild {
  process: ChildProcess;
  messages: ChildMessage[];
  /** Resolves with the first message of that event (rejects if the child exits first). */
  waitFor(event: ChildMessage["event"]): Promise<ChildMessage>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function startEngineChild(engineUrl: string, root: string, job: ChildJob, options: { databaseUrl?: string } = {}): EngineChild {
  const child = spawn(process.execPath, [childScript, engineUrl, root, JSON.stringify({ ...job, ...options })], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const messages: ChildMessage[] = [];
  const waiters: { event: string; resolve: (message: ChildMessage) => void }[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const message = JSON.parse(line) as ChildMessage;
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.event === message.event)) waiter.resolve(message);
  });
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, stderr }));
  return {
    process: child,
    messages,
    waitFor: (event) =>
      new Promise((resolve, reject) => {
        const seen = messages.find((message) => message.event === event);
        if (seen) return resolve(seen);
        waiters.push({ event, resolve });
        void exited.then((result) => reject(new Error(`child exited (${result.code ?? result.signal}) before "${event}": ${result.stderr}`)));
      }),
    exited,
  };
}

/** Kills a child for sure and waits for it (safe on one that has exited). */
export async function killChild(child: EngineChild): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
  await child.exited;
}

/** file: URL of the built engine's entry, rebuilding dist/ (under a cross-process lock) when stale. */
export async function builtEngineUrl(): Promise<string> {
  const entry = join(packageDir, "dist", "index.js");
  if (await isDistStale()) {
    await withBuildLock(async () => {
      if (await isDistStale()) await execa("pnpm", ["exec", "tsc", "-p", "tsconfig.build.json"], { cwd: packageDir });
    });
  }
  return pathToFileURL(entry).href;
}

/** One build at a time across test workers: a pid file created exclusively, taken over when its owner is dead. */
async function withBuildLock(fn: () => Promise<void>): Promise<void> {
  const path = join(tmpdir(), "berth-engine-dist-build.lock");
  for (;;) {
    try {
      await writeFile(path, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(path, "utf8").catch(() => ""));
      if (owner > 0 && !isAlive(owner)) await rm(path, { force: true });
      else await sleep(200);
    }
  }
  try {
    await fn();
  } finally {
    await rm(path, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function isDistStale(): Promise<boolean> {
  const srcDir = join(packageDir, "src");
  for (const path of await listSources(srcDir)) {
    const built = join(packageDir, "dist", relative(srcDir, path).replace(/\.ts$/, ".js"));
    const [source, output] = await Promise.all([stat(path), stat(built).catch(() => undefined)]);
    if (!output || output.mtimeMs < source.mtimeMs) return true;
  }
  return false;
}

async function listSources(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "test-support") found.push(...(await listSources(path)));
    else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) found.push(path);
  }
  return found;
}
