import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeE2eRoot, runDirOf } from "./test-support/container-e2e.js";

// Containers from many CLI processes at once, as users and scripts run them: the real bin/berth on
// a fresh BERTH_ROOT, real namespaces, mounts and cgroups (root needed). Each case checks the
// outcome and that nothing of the root is left on the host: no mount, cgroup, process, netns or
// runtime directory.

const bin = resolve(import.meta.dirname, "../bin/berth");
const builtMain = resolve(import.meta.dirname, "../dist/main.cjs");

let workDir: string;
let root: string;
let runDir: string;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

const env = () => ({ PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root });

function berth(args: string[]): Result {
  const result = spawnSync(bin, args, { encoding: "utf8", input: "", cwd: workDir, env: env(), timeout: 300_000 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, as a separate process running alongside others. */
function berthAsync(args: string[]): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { cwd: workDir, env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolvePromise({ status, stdout, stderr }));
  });
}

/** What of this root is left on the host besides its files under the root. */
function leftovers(): string[] {
  const found: string[] = [];
  const hash = basename(runDir);
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const target = line.split(" ")[4] ?? "";
    if (target.startsWith(`${root}/`) || target.startsWith(`${runDir}/`)) found.push(`mount ${target}`);
  }
  for (const hierarchy of readdirSync("/sys/fs/cgroup")) {
    const dir = `/sys/fs/cgroup/${hierarchy}/berth-${hash}`;
    if (existsSync(dir)) for (const child of readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) found.push(`cgroup ${dir}/${child.name}`);
  }
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes(runDir) || cmdline.includes(`${root}/`)) found.push(`process ${pid}: ${cmdline.replaceAll("\0", " ")}`);
    } catch {
      // gone meanwhile
    }
  }
  const containerRuns = `${runDir}/c`;
  if (existsSync(containerRuns)) for (const name of readdirSync(containerRuns)) found.push(`run dir ${containerRuns}/${name}`);
  const containers = `${root}/containers`;
  if (existsSync(containers)) for (const name of readdirSync(containers)) found.push(`container dir ${name}`);
  return found;
}

async function settled(): Promise<string[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (leftovers().length === 0) return [];
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 200));
  }
  return leftovers();
}

beforeAll(() => {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build apps/cli before its e2e tests`);
  if (process.getuid?.() !== 0) throw new Error("the concurrency e2e tests need root (namespaces, mounts, cgroups)");
  workDir = mkdtempSync(join(tmpdir(), "berth-cli-concurrency-"));
  root = join(workDir, "root");
  runDir = runDirOf(berth) ?? "";
  expect(runDir).toMatch(/^\/run\/berth\/[0-9a-f]+$/);
});

afterAll(() => {
  if (root !== undefined) removeE2eRoot(workDir, berth);
});

describe("many CLI processes at once", () => {
  it("runs 30 `run --rm` in parallel: every one succeeds with its own output and nothing is left", async () => {
    const runs = await Promise.all(Array.from({ length: 30 }, (_, i) => berthAsync(["run", "--rm", "busybox", "sh", "-c", `echo run-${i}`])));
    expect(runs.map((run) => [run.status, run.stdout, run.stderr])).toEqual(Array.from({ length: 30 }, (_, i) => [0, `run-${i}\n`, ""]));
    expect(berth(["ps", "-aq"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(await settled()).toEqual([]);
  }, 1_500_000);

  it("runs 20 `run -d` in parallel: all 20 run, with their own names and addresses, and `ps` lists them", async () => {
    const runs = await Promise.all(Array.from({ length: 20 }, () => berthAsync(["run", "-d", "busybox", "sleep", "1000"])));
    expect(runs.map((run) => [run.status, run.stderr])).toEqual(Array(20).fill([0, ""]));
    const ids = runs.map((run) => run.stdout.trim());
    expect(ids.every((id) => /^[0-9a-f]{64}$/.test(id))).toBe(true);
    const listed = berth(["ps", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}"]).stdout.trim().split("\n").map((line) => line.split(" "));
    expect(listed.map(([id]) => id).sort()).toEqual([...ids].sort());
    expect(listed.every(([, , state]) => state === "running")).toBe(true);
    expect(new Set(listed.map(([, name]) => name)).size).toBe(20);
    const addresses = berth(["inspect", "--format", "{{.NetworkSettings.IPAddress}}", ...ids]).stdout.trim().split("\n");
    expect(addresses).toHaveLength(20);
    expect(addresses.every((address) => /^\d+\.\d+\.\d+\.\d+$/.test(address))).toBe(true);
    expect(new Set(addresses).size).toBe(20);
    expect(berth(["rm", "-f", ...ids]).status).toBe(0);
    expect(berth(["ps", "-aq"]).stdout).toBe("");
    expect(await settled()).toEqual([]);
  }, 1_500_000);

  it("starts one container once when two `start`s race: both exit 0, one start event, one process", async () => {
    const id = berth(["create", "--name", "racer", "busybox", "sleep", "300"]).stdout.trim();
    const starts = await Promise.all([berthAsync(["start", "racer"]), berthAsync(["start", "racer"])]);
    expect(starts).toEqual([{ status: 0, stdout: "racer\n", stderr: "" }, { status: 0, stdout: "racer\n", stderr: "" }]);
    const events = berth(["events", "--since", "0", "--until", String(Math.ceil(Date.now() / 1000) + 1), "--filter", `container=${id}`, "--filter", "event=start", "--format", "{{.Action}}"]);
    expect(events.stdout).toBe("start\n");
    expect(berth(["ps", "--format", "{{.Names}} {{.State}}"]).stdout).toBe("racer running\n");
    expect(berth(["rm", "-f", "racer"]).status).toBe(0);
    expect(await settled()).toEqual([]);
  }, 600_000);

  it("gives `rm -f` during a `stop` one clean outcome: the container is gone and nothing is left", async () => {
    expect(berth(["run", "-d", "--name", "stubborn", "busybox", "sh", "-c", "trap '' TERM; while :; do sleep 0.1; done"]).status).toBe(0);
    const stopping = berthAsync(["stop", "-t", "3", "stubborn"]);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 500));
    const removing = berthAsync(["rm", "-f", "stubborn"]);
    const [stop, remove] = await Promise.all([stopping, removing]);
    expect(remove).toEqual({ status: 0, stdout: "stubborn\n", stderr: "" });
    // The stop either finished first (0) or found the container already removed (docker's error, 1).
    expect([stop.status, stop.stderr]).toEqual(stop.status === 0 ? [0, ""] : [1, expect.stringContaining("No such container: stubborn")]);
    expect(berth(["ps", "-aq"]).stdout).toBe("");
    expect(await settled()).toEqual([]);
  }, 600_000);
});
