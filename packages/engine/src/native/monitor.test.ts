import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { readExitFile } from "./exit-file.js";
import { logFilesOldestFirst } from "./json-log.js";
import { monitorArgs } from "./monitor-args.js";
import { isAlive, useNativeFixtures } from "./test-support/fixtures.js";
import { readLogs, runMonitor } from "./test-support/run-monitor.js";

const fx = useNativeFixtures();
const RFC3339_NANO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

describe("berth-init monitor: logs", () => {
  it("writes docker json-file lines with stdout and stderr kept apart and a UTC timestamp each", async () => {
    const dir = await fx.tempDir();
    const before = Date.now();
    const run = await runMonitor(fx.helper, dir, { argv: ["sh", "-c", "echo one; echo two >&2; echo three; printf tail"] });
    expect(run.stdout).toBe("one\nthree\ntail");
    expect(run.stderr).toBe("two\n");
    expect(run.logs.map((entry) => entry.log).sort()).toEqual(["one\n", "tail", "three\n", "two\n"]);
    const raw = (await readFile(join(dir, "container.log"), "utf8")).split("\n").filter(Boolean);
    for (const line of raw) expect(Object.keys(JSON.parse(line))).toEqual(["log", "stream", "time"]);
    for (const entry of run.logs) {
      expect(entry.time).toMatch(RFC3339_NANO_UTC);
      const ms = Date.parse(entry.time);
      expect(ms).toBeGreaterThanOrEqual(before - 1000);
      expect(ms).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it("escapes like Go's encoding/json and replaces invalid UTF-8", async () => {
    const dir = await fx.tempDir();
    const run = await runMonitor(fx.helper, dir, { argv: ["sh", "-c", String.raw`printf 'q"b\\s\t\001<>&\303\251\342\200\250\377end\n'`] });
    expect(run.stdout).toBe('q"b\\s\t\u0001<>&é\u2028\ufffdend\n');
    const raw = await readFile(join(dir, "container.log"), "utf8");
    expect(raw).toContain(String.raw`"log":"q\"b\\s\t\u0001\u003c\u003e\u0026é\u2028\ufffdend\n"`);
  });

  it("splits a line longer than 16 KiB into partial entries without a newline", async () => {
    const dir = await fx.tempDir();
    const run = await runMonitor(fx.helper, dir, { argv: ["sh", "-c", "head -c 40000 /dev/zero | tr '\\0' a; echo; echo next"] });
    expect(run.logs.map((entry) => entry.log.length)).toEqual([16384, 16384, 7233, 5]);
    expect(run.stdout).toBe(`${"a".repeat(40000)}\nnext\n`);
  });

  it("rotates the log by size into F.1 … F.(n-1), oldest dropped", async () => {
    const dir = await fx.tempDir();
    const logFile = join(dir, "container.log");
    const script = 'i=0; while [ $i -lt 300 ]; do echo "line-$i"; i=$((i+1)); done';
    await runMonitor(fx.helper, dir, { argv: ["sh", "-c", script], logFile, logMaxSize: 2000, logMaxFiles: 3 });
    expect((await readdir(dir)).filter((name) => name.startsWith("container.log")).sort()).toEqual([
      "container.log", "container.log.1", "container.log.2",
    ]);
    const kept: string[] = [];
    for (const file of logFilesOldestFirst(logFile, 3)) {
      expect((await stat(file)).size).toBeLessThan(2000 + 100);
      kept.push(...(await readLogs(file)).map((entry) => entry.log));
    }
    expect(kept.length).toBeGreaterThan(40);
    const first = 300 - kept.length;
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `line-${first + i}\n`));
  });

  it("truncates in place with a single log file", async () => {
    const dir = await fx.tempDir();
    const script = 'i=0; while [ $i -lt 100 ]; do echo "line-$i"; i=$((i+1)); done';
    const run = await runMonitor(fx.helper, dir, { argv: ["sh", "-c", script], logMaxSize: 1000, logMaxFiles: 1 });
    expect(await readdir(dir)).not.toContain("container.log.1");
    expect(run.logs.at(-1)?.log).toBe("line-99\n");
    expect(run.logs.length).toBeLessThan(20);
  });
});

describe("berth-init monitor: exit and supervision", () => {
  it("writes the pid files, then the exit file, then runs the exit command", async () => {
    const dir = await fx.tempDir();
    const [pidFile, monitorPidFile, exitFile, copy] = ["pid", "monitor.pid", "exit.json", "copy.json"].map((f) => join(dir, f)) as [
      string, string, string, string,
    ];
    const run = await runMonitor(fx.helper, dir, {
      argv: ["sh", "-c", "echo $$ > $0; exit 3", join(dir, "child-says")],
      pidFile,
      monitorPidFile,
      exitFile,
      exitCommand: ["sh", "-c", 'cat "$0" > "$1"; ls -l /proc/self/fd/ >> "$1.fds"', exitFile, copy],
    });
    expect(run.monitorExitCode).toBe(3);
    expect(run.exit).toEqual({ exitCode: 3, signal: null, finishedAt: expect.stringMatching(RFC3339_NANO_UTC), oomKilled: false });
    expect(await readFile(pidFile, "utf8")).toBe((await readFile(join(dir, "child-says"), "utf8")).trim());
    expect(await readFile(monitorPidFile, "utf8")).toMatch(/^\d+$/);
    expect(await readFile(copy, "utf8")).toBe(await readFile(exitFile, "utf8"));
    const fds = await readFile(`${copy}.fds`, "utf8");
    expect(fds).toContain(" 0 -> /dev/null");
    expect(fds).toContain(" 2 -> /dev/null");
    expect(fds.split("\n").filter((line) => line.includes(" -> "))).toHaveLength(4); // 0-2, and ls's own fd 3
    expect(await readdir(dir)).not.toContain("exit.json.tmp");
  });

  it("reports a child killed by a signal as 128+N with the signal number", async () => {
    const dir = await fx.tempDir();
    const run = await runMonitor(fx.helper, dir, { argv: ["sh", "-c", "kill -TERM $$"] });
    expect(run.exit).toMatchObject({ exitCode: 143, signal: 15 });
  });

  it("ignores SIGTERM, SIGINT and SIGHUP itself, signals ready on --ready-fd, and reaps its child", async () => {
    const dir = await fx.tempDir();
    const pidFile = join(dir, "pid");
    const exitFile = join(dir, "exit.json");
    const monitor = execa(fx.helper, monitorArgs({ argv: ["sleep", "1000"], pidFile, exitFile, readyFd: 3 }), {
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      reject: false,
    });
    fx.track(monitor.pid as number);
    fx.trackPidFile(pidFile);
    const ready = await new Promise<string>((resolve) => monitor.stdio[3]?.once("data", (chunk: Buffer) => resolve(chunk.toString())));
    expect(ready).toBe("1");
    const child = Number(await readFile(pidFile, "utf8"));
    expect(isAlive(child)).toBe(true);
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.kill(monitor.pid as number, signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(monitor.pid as number)).toBe(true);
    process.kill(child, "SIGKILL");
    const result = await monitor;
    expect(result.exitCode).toBe(137);
    expect(await readExitFile(exitFile)).toMatchObject({ exitCode: 137, signal: 9 });
  });

  it("puts the child in its cgroups before exec and itself in the monitor's, leaving the caller's", async () => {
    const dir = await fx.tempDir();
    const container = await fx.cgroups("ctr");
    const own = await fx.cgroups("mon");
    const run = await runMonitor(fx.helper, dir, {
      argv: ["sh", "-c", "cat /proc/self/cgroup; cat /proc/$PPID/cgroup >&2"],
      cgroupProcs: container.procs,
      monitorCgroupProcs: own.procs,
    });
    const name = (path: string) => path.split("/").at(-1) as string;
    for (const controller of ["memory", "pids", "freezer", "cpu"]) {
      expect(run.stdout).toMatch(new RegExp(`:${controller}[,:].*/${name(container.dirs[0] as string)}$`, "m"));
      expect(run.stderr).toMatch(new RegExp(`:${controller}[,:].*/${name(own.dirs[0] as string)}$`, "m"));
    }
    expect(run.stdout).toMatch(new RegExp(`^0::/${name(container.dirs[0] as string)}$`, "m"));
  });

  it("fails with 125 and berth-init's reason before the command runs when a cgroup cannot be joined", async () => {
    const dir = await fx.tempDir();
    const marker = join(dir, "ran");
    const run = await runMonitor(fx.helper, dir, { argv: ["touch", marker], cgroupProcs: ["/sys/fs/cgroup/pids/no-such-group/cgroup.procs"] });
    expect(run.monitorExitCode).toBe(125);
    expect(run.monitorStderr).toBe("berth-init: open /sys/fs/cgroup/pids/no-such-group/cgroup.procs: No such file or directory");
    expect(run.exit).toBeUndefined();
    expect(await readdir(dir)).not.toContain("ran");
  });

  it("refuses bad usage with 125", async () => {
    for (const args of [["monitor"], ["monitor", "--bogus", "--", "true"], ["monitor", "--log-max-files", "0", "--", "true"], ["nope"]]) {
      const result = await execa(fx.helper, args, { reject: false });
      expect(result.exitCode, args.join(" ")).toBe(125);
      expect(result.stderr, args.join(" ")).toMatch(/^berth-init: .*: Invalid argument$/m);
    }
  });
});
