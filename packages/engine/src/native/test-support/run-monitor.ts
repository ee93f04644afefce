import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { readExitFile, type ExitRecord } from "../exit-file.js";
import { parseLogLine, type LogEntry } from "../json-log.js";
import { monitorArgs, type MonitorOptions } from "../monitor-args.js";

export interface MonitorRun {
  /** The (non-detached) monitor's own exit status. */
  monitorExitCode: number;
  monitorStderr: string;
  exit: ExitRecord | undefined;
  logs: LogEntry[];
  /** The stdout / stderr entries joined. */
  stdout: string;
  stderr: string;
}

export async function readLogs(file: string): Promise<LogEntry[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map(parseLogLine);
}

export const joinStream = (logs: LogEntry[], stream: "stdout" | "stderr") =>
  logs
    .filter((entry) => entry.stream === stream)
    .map((entry) => entry.log)
    .join("");

/** Runs a monitor in the foreground with an exit file and a log file in dir. */
export async function runMonitor(helper: string, dir: string, options: MonitorOptions): Promise<MonitorRun> {
  const exitFile = join(dir, "exit.json");
  const logFile = join(dir, "container.log");
  const result = await execa(helper, monitorArgs({ exitFile, logFile, ...options }), { reject: false, stdin: "ignore" });
  const logs = await readLogs(options.logFile ?? logFile);
  return {
    monitorExitCode: result.exitCode ?? -1,
    monitorStderr: result.stderr,
    exit: await readExitFile(options.exitFile ?? exitFile),
    logs,
    stdout: joinStream(logs, "stdout"),
    stderr: joinStream(logs, "stderr"),
  };
}
