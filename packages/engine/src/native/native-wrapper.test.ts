import { describe, expect, it } from "vitest";
import { attachRequestLine, encodeFrame, FRAME, FrameDecoder } from "./attach-protocol.js";
import { parseExitFile } from "./exit-file.js";
import { berthInitPath } from "./helper-path.js";
import { helperMessages } from "./helper-errors.js";
import { logFilesOldestFirst, parseLogLine } from "./json-log.js";
import { monitorArgs, parseMonitorPid } from "./monitor-args.js";
import { execArgs, initArgs } from "./process-args.js";

const invalid = expect.objectContaining({ code: "INVALID_ARGUMENT" });

describe("berthInitPath", () => {
  it("is the package's native build output, or BERTH_INIT", () => {
    const saved = process.env.BERTH_INIT;
    try {
      delete process.env.BERTH_INIT;
      expect(berthInitPath()).toMatch(/\/packages\/engine\/native\/build\/berth-init$/);
      process.env.BERTH_INIT = "/opt/berth/berth-init";
      expect(berthInitPath()).toBe("/opt/berth/berth-init");
    } finally {
      if (saved === undefined) delete process.env.BERTH_INIT;
      else process.env.BERTH_INIT = saved;
    }
  });
});

describe("monitorArgs", () => {
  it("renders every option in a fixed order, then -- and the command", () => {
    expect(
      monitorArgs({
        argv: ["unshare", "--mount", "sh"],
        exitFile: "/c/exit",
        pidFile: "/r/pid",
        monitorPidFile: "/r/monitor.pid",
        logFile: "/c/logs/log.json",
        logMaxSize: 1000,
        logMaxFiles: 5,
        cgroupProcs: ["/sys/fs/cgroup/pids/b/c/cgroup.procs", "/sys/fs/cgroup/memory/b/c/cgroup.procs"],
        monitorCgroupProcs: ["/sys/fs/cgroup/pids/b/monitors/cgroup.procs"],
        tty: true,
        attachSocket: "/r/attach.sock",
        stdin: true,
        detach: true,
        pidNamespace: true,
        exitCommand: ["berth", "container", "cleanup", "abc"],
        readyFd: 3,
        waitStart: true,
        execFd: 4,
      }),
    ).toEqual([
      "monitor", "--exit-file", "/c/exit", "--pid-file", "/r/pid", "--monitor-pid-file", "/r/monitor.pid",
      "--log-file", "/c/logs/log.json", "--log-max-size", "1000", "--log-max-files", "5",
      "--cgroup-procs", "/sys/fs/cgroup/pids/b/c/cgroup.procs", "--cgroup-procs", "/sys/fs/cgroup/memory/b/c/cgroup.procs",
      "--monitor-cgroup-procs", "/sys/fs/cgroup/pids/b/monitors/cgroup.procs", "--tty", "--attach-socket", "/r/attach.sock",
      "--stdin", "--detach", "--pidns", "--exit-command", "berth", "--exit-arg", "container", "--exit-arg", "cleanup",
      "--exit-arg", "abc", "--ready-fd", "3", "--exec-fd", "4", "--wait-start", "--", "unshare", "--mount", "sh",
    ]);
    expect(monitorArgs({ argv: ["true"] })).toEqual(["monitor", "--", "true"]);
  });

  it("refuses what berth-init would refuse", () => {
    expect(() => monitorArgs({ argv: [] })).toThrow(invalid);
    expect(() => monitorArgs({ argv: ["true"], logMaxFiles: 0 })).toThrow(invalid);
    expect(() => monitorArgs({ argv: ["true"], logMaxSize: -1 })).toThrow(invalid);
    expect(() => monitorArgs({ argv: ["true"], waitStart: true })).toThrow(invalid);
  });

  it("reads the pid a detached monitor prints", () => {
    expect(parseMonitorPid("4242\n")).toBe(4242);
    expect(() => parseMonitorPid("")).toThrow(invalid);
    expect(() => parseMonitorPid("berth-init: fork: x\n")).toThrow(invalid);
  });
});

describe("initArgs and execArgs", () => {
  it("render the process options shared by init and exec", () => {
    expect(
      initArgs({
        argv: ["sh", "-c", "echo hi"],
        uid: 1000,
        gid: 1000,
        groups: [10, 20],
        capabilities: ["CAP_CHOWN", "CAP_KILL"],
        noNewPrivileges: true,
        cwd: "/app",
        clearEnv: true,
        env: ["PATH=/bin", "A=b=c"],
        unlinkSelf: "/dev/.init/berth-init",
        consoleFd: 3,
        execFd: 4,
      }),
    ).toEqual([
      "init", "--uid", "1000", "--gid", "1000", "--groups", "10,20", "--caps", "CAP_CHOWN,CAP_KILL", "--no-new-privs",
      "--cwd", "/app", "--clear-env", "--env", "PATH=/bin", "--env", "A=b=c", "--unlink-self", "/dev/.init/berth-init",
      "--console-fd", "3", "--exec-fd", "4", "--", "sh", "-c", "echo hi",
    ]);
    expect(initArgs({ argv: ["true"], capabilities: [] })).toEqual(["init", "--caps", "none", "--", "true"]);
    expect(initArgs({ argv: ["true"], capabilities: "all", envFile: "/dev/.init/env" })).toEqual([
      "init", "--caps", "all", "--env-file", "/dev/.init/env", "--", "true",
    ]);
    expect(execArgs({ target: 77, cgroupProcs: ["/cg/cgroup.procs"], tty: true, uid: 0, argv: ["ps"] })).toEqual([
      "exec", "--target", "77", "--cgroup-procs", "/cg/cgroup.procs", "--tty", "--uid", "0", "--", "ps",
    ]);
    expect(execArgs({ target: 5, tty: true, ttySize: { rows: 40, cols: 120 }, resizeFd: 3, argv: ["sh"] })).toEqual([
      "exec", "--target", "5", "--tty", "--tty-size", "40,120", "--resize-fd", "3", "--", "sh",
    ]);
    expect(execArgs({ target: 5, seccomp: { profile: "default", capabilities: ["CAP_CHOWN", "CAP_KILL"] }, argv: ["sh"] })).toEqual([
      "exec", "--target", "5", "--seccomp", "default", "--seccomp-caps", "CAP_CHOWN,CAP_KILL", "--", "sh",
    ]);
    expect(execArgs({ target: 5, seccomp: { profile: "default", capabilities: [] }, argv: ["sh"] })).toContain("none");
    expect(execArgs({ target: 5, seccomp: { profile: "unconfined" }, argv: ["sh"] })).toEqual(["exec", "--target", "5", "--", "sh"]);
  });

  it("refuse bad ids, env entries, targets and empty commands", () => {
    expect(() => initArgs({ argv: [] })).toThrow(invalid);
    expect(() => initArgs({ argv: [""] })).toThrow(invalid);
    expect(() => initArgs({ argv: ["true"], uid: -1 })).toThrow(invalid);
    expect(() => initArgs({ argv: ["true"], gid: 1.5 })).toThrow(invalid);
    expect(() => initArgs({ argv: ["true"], env: ["NOVALUE"] })).toThrow(invalid);
    expect(() => initArgs({ argv: ["true"], env: ["=x"] })).toThrow(invalid);
    expect(() => execArgs({ target: 0, argv: ["true"] })).toThrow(invalid);
    expect(() => execArgs({ target: 5, ttySize: { rows: 0, cols: 80 }, argv: ["true"] })).toThrow(invalid);
  });
});

describe("outputs", () => {
  it("parses the exit file and rejects a damaged one", () => {
    expect(parseExitFile('{"exitCode":137,"signal":9,"finishedAt":"2024-01-02T03:04:05.5Z","oomKilled":false}\n')).toEqual({
      exitCode: 137, signal: 9, finishedAt: "2024-01-02T03:04:05.5Z", oomKilled: false,
    });
    expect(() => parseExitFile('{"exitCode":0')).toThrow(expect.objectContaining({ code: "DATA_CORRUPTED" }));
    expect(() => parseExitFile('{"exitCode":-1,"signal":null,"finishedAt":"x","oomKilled":false}')).toThrow(
      expect.objectContaining({ code: "DATA_CORRUPTED" }),
    );
  });

  it("parses json-file log lines and names the rotated files oldest first", () => {
    expect(parseLogLine('{"log":"hi\\n","stream":"stderr","time":"2024-01-02T03:04:05.123456789Z"}')).toEqual({
      log: "hi\n", stream: "stderr", time: "2024-01-02T03:04:05.123456789Z",
    });
    expect(() => parseLogLine('{"log":"x","stream":"stdin","time":"2024-01-02T03:04:05Z"}')).toThrow();
    expect(logFilesOldestFirst("/c/log", 3)).toEqual(["/c/log.2", "/c/log.1", "/c/log"]);
    expect(logFilesOldestFirst("/c/log", 1)).toEqual(["/c/log"]);
  });

  it("keeps berth-init's own messages from stderr", () => {
    expect(helperMessages('noise\nberth-init: exec: "x": executable file not found in $PATH\n')).toEqual([
      'exec: "x": executable file not found in $PATH',
    ]);
  });
});

describe("attach protocol", () => {
  it("frames with docker's stdcopy header and decodes across any chunking", () => {
    expect(encodeFrame(FRAME.stdout, "hi")).toEqual(Buffer.from([1, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]));
    expect(encodeFrame(FRAME.closeStdin)).toEqual(Buffer.from([5, 0, 0, 0, 0, 0, 0, 0]));
    const stream = Buffer.concat([encodeFrame(FRAME.stdout, "abc"), encodeFrame(FRAME.stderr, ""), encodeFrame(FRAME.exit, "137")]);
    for (const size of [1, 3, 7, stream.length]) {
      const decoder = new FrameDecoder();
      const frames = [];
      for (let i = 0; i < stream.length; i += size) frames.push(...decoder.push(stream.subarray(i, i + size)));
      expect(frames.map((f) => [f.type, f.payload.toString()])).toEqual([[1, "abc"], [2, ""], [3, "137"]]);
      expect(decoder.pending).toBe(0);
    }
    expect(() => new FrameDecoder().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]))).toThrow();
  });

  it("asks for streams in one request line", () => {
    expect(attachRequestLine({ stdout: true })).toBe("attach stdin=0 stdout=1 stderr=0\n");
    expect(attachRequestLine({ stdin: true, stdout: true, stderr: true, start: true })).toBe("attach stdin=1 stdout=1 stderr=1 start=1\n");
  });
});
