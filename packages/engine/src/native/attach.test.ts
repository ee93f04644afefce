import { access, readFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { connectAttach } from "./attach-client.js";
import { attachRequestLine, encodeFrame, FRAME, FrameDecoder } from "./attach-protocol.js";
import { readExitFile } from "./exit-file.js";
import { monitorArgs, parseMonitorPid, type MonitorOptions } from "./monitor-args.js";
import { CONSOLE_FD, EXEC_FD } from "./process-args.js";
import { containerArgv, type ContainerSpec } from "./test-support/busybox-container.js";
import { isAlive, useNativeFixtures, waitFor } from "./test-support/fixtures.js";
import { joinStream, readLogs } from "./test-support/run-monitor.js";

const fx = useNativeFixtures();

interface Started {
  monitorPid: number;
  pidFile: string;
  exitFile: string;
  logFile: string;
  socket: string;
}

/** Starts a busybox container under a detached monitor, the way the engine will. */
async function startDetached(spec: Partial<ContainerSpec> & { argv: string[] }, options: Partial<MonitorOptions> = {}): Promise<Started> {
  const dir = await fx.tempDir();
  const files = {
    pidFile: join(dir, "pid"),
    exitFile: join(dir, "exit.json"),
    logFile: join(dir, "container.log"),
    socket: join(dir, "attach.sock"),
  };
  fx.trackPidFile(files.pidFile);
  const argv = containerArgv({ rootfs: fx.rootfs, helper: fx.helper, ...spec });
  const { stdout } = await execa(fx.helper, monitorArgs({ argv, pidNamespace: true, detach: true, attachSocket: files.socket, ...files, ...options }));
  const monitorPid = parseMonitorPid(stdout);
  fx.track(monitorPid);
  return { monitorPid, ...files };
}

const collect = () => {
  const chunks = { stdout: "", stderr: "" };
  return { chunks, onOutput: (stream: "stdout" | "stderr", data: Buffer) => void (chunks[stream] += data.toString()) };
};

const vmRssKb = async (pid: number) => Number(/^VmRSS:\s+(\d+) kB$/m.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]);

describe("berth-init monitor --detach", () => {
  it("outlives its caller, costs at most 2 MiB, and records the container's death", async () => {
    const marker = join(await fx.tempDir(), "cleaned-up");
    const started = await startDetached({ argv: ["sleep", "1000"] }, { exitCommand: ["touch", marker] });
    // execa returned: the caller exited and the monitor holds none of its pipes
    const status = await readFile(`/proc/${started.monitorPid}/status`, "utf8");
    expect(Number(/^PPid:\s+(\d+)$/m.exec(status)?.[1])).not.toBe(process.pid);
    const pid = Number(await readFile(started.pidFile, "utf8"));
    await waitFor("the container's sleep", async () => (await readFile(`/proc/${pid}/cmdline`, "utf8")) === "sleep\u00001000\u0000");
    expect(/^NSpid:\s+\d+\s+1$/m.test(await readFile(`/proc/${pid}/status`, "utf8"))).toBe(true);

    const rss = await vmRssKb(started.monitorPid);
    console.info(`monitor VmRSS: ${rss} kB`);
    expect(rss).toBeGreaterThan(0);
    expect(rss).toBeLessThanOrEqual(2048);

    process.kill(pid, "SIGKILL");
    const exit = await waitFor("the exit file", () => readExitFile(started.exitFile));
    expect(exit).toMatchObject({ exitCode: 137, signal: 9 });
    await waitFor("the monitor to end", () => !isAlive(started.monitorPid));
    await expect(access(started.socket)).rejects.toThrow(); // unlinked on the way out
    await access(marker); // the exit command could fork: the monitor left the container's pid namespace
  });

  it("fails in the caller with 125 when the monitor cannot start", async () => {
    const dir = await fx.tempDir();
    const result = await execa(
      fx.helper,
      monitorArgs({ argv: ["true"], detach: true, logFile: join(dir, "missing-dir", "log") }),
      { reject: false },
    );
    expect(result.exitCode).toBe(125);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^berth-init: open log file .*missing-dir\/log: No such file or directory$/);
  });

  it("answers once the command runs, or with the init's 127/126 when it could not exec it, told over --exec-fd and not by the log", async () => {
    const start = async (argv: string[]) => {
      const dir = await fx.tempDir();
      const files = { pidFile: join(dir, "pid"), exitFile: join(dir, "exit.json"), logFile: join(dir, "container.log") };
      fx.trackPidFile(files.pidFile);
      const init = containerArgv({ rootfs: fx.rootfs, helper: fx.helper, argv, execFd: EXEC_FD });
      const result = await execa(fx.helper, monitorArgs({ argv: init, pidNamespace: true, detach: true, execFd: EXEC_FD, ...files }), { reject: false });
      if (result.exitCode === 0) fx.track(parseMonitorPid(result.stdout));
      const exit = await waitFor("the exit file", () => readExitFile(files.exitFile));
      return { result, exit, log: joinStream(await readLogs(files.logFile), "stderr") };
    };
    const missing = await start(["nosuchcmd"]);
    expect(missing.result).toMatchObject({ exitCode: 127, stdout: "", stderr: 'berth-init: exec: "nosuchcmd": executable file not found in $PATH' });
    expect(missing.exit).toMatchObject({ exitCode: 127, execError: 'exec: "nosuchcmd": executable file not found in $PATH' });
    expect(missing.log).toBe(""); // the reason is the start's, not the container's output
    const notExecutable = await start(["/etc/passwd"]);
    expect(notExecutable.result).toMatchObject({ exitCode: 126, stderr: 'berth-init: exec: "/etc/passwd": permission denied' });

    // A command that says the same and exits 127 itself ran: the caller gets the monitor's pid.
    const lookalike = await start(["sh", "-c", 'echo \'berth-init: exec: "x": executable file not found in $PATH\' >&2; exit 127']);
    expect(lookalike.result.exitCode).toBe(0);
    expect(parseMonitorPid(lookalike.result.stdout)).toBeGreaterThan(0);
    expect(lookalike.exit.exitCode).toBe(127);
    expect(lookalike.exit).not.toHaveProperty("execError");
    expect(lookalike.log).toBe('berth-init: exec: "x": executable file not found in $PATH\n');
  });
});

describe("berth-init monitor --attach-socket", () => {
  it("sends framed stdout and stderr and the exit frame to a client that started the container", async () => {
    const started = await startDetached(
      { argv: ["sh", "-c", "echo out; echo err >&2; echo more; exit 5"] },
      { waitStart: true },
    );
    expect(await readExitFile(started.exitFile)).toBeUndefined(); // held at the start gate
    const { chunks, onOutput } = collect();
    const watcher = await connectAttach(started.socket, { stdout: true, onOutput: () => {} });
    const session = await connectAttach(started.socket, { stdout: true, stderr: true, start: true, onOutput });
    expect(await session.exited).toBe(5);
    expect(await watcher.exited).toBe(5);
    expect(chunks).toEqual({ stdout: "out\nmore\n", stderr: "err\n" });
    expect(await readExitFile(started.exitFile)).toMatchObject({ exitCode: 5 });
    const logs = await readLogs(started.logFile);
    expect(joinStream(logs, "stdout")).toBe("out\nmore\n");
  });

  it("delivers a client's stdin to the container with --stdin, and closes it on request", async () => {
    const started = await startDetached({ argv: ["sh", "-c", "cat; echo cat-done"] }, { stdin: true, waitStart: true });
    const { chunks, onOutput } = collect();
    const session = await connectAttach(started.socket, { stdin: true, stdout: true, stderr: true, start: true, onOutput });
    session.writeStdin("hello\n");
    await waitFor("the echo", () => chunks.stdout.includes("hello\n"));
    session.writeStdin("world\n");
    session.closeStdin();
    expect(await session.exited).toBe(0);
    expect(chunks.stdout).toBe("hello\nworld\ncat-done\n");
  });

  it("gives the child /dev/null as stdin without --stdin, and output nobody watched goes only to the log", async () => {
    const started = await startDetached({ argv: ["sh", "-c", "cat; echo early; sleep 0.3; echo late"] });
    await waitFor("early output in the log", async () => joinStream(await readLogs(started.logFile), "stdout").includes("early"));
    const { chunks, onOutput } = collect();
    const session = await connectAttach(started.socket, { stdin: true, stdout: true, onOutput });
    session.writeStdin("ignored\n");
    expect(await session.exited).toBe(0);
    expect(chunks.stdout).toBe("late\n");
    expect(joinStream(await readLogs(started.logFile), "stdout")).toBe("early\nlate\n");
  });

  it("keeps the last output and the exit frame for a client that still writes stdin as the container ends", async () => {
    const started = await startDetached({ argv: ["sh", "-c", "read line; echo got $line; exit 6"] }, { stdin: true });
    const socket = createConnection(started.socket);
    const received: Buffer[] = [];
    const closed = new Promise<string | undefined>((resolve) => {
      socket.on("error", (error) => resolve(error.message));
      socket.on("close", () => resolve(undefined));
    });
    socket.write(attachRequestLine({ stdin: true, stdout: true, stderr: true }));
    await new Promise<void>((resolve) => socket.once("data", (chunk: Buffer) => (received.push(chunk), resolve())));
    socket.pause(); // what the monitor sends next stays unread in the socket, as with a busy client
    socket.write(encodeFrame(FRAME.stdin, "hello\n"));
    await waitFor("the exit file", () => readExitFile(started.exitFile));
    socket.write(encodeFrame(FRAME.closeStdin)); // the stdin pump's last write, after the end
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.resume();
    expect(await closed).toBeUndefined();
    const all = Buffer.concat(received);
    const frames = new FrameDecoder().push(all.subarray(all.indexOf(0x0a) + 1));
    expect(frames.map((frame) => [frame.type, frame.payload.toString()])).toEqual([[FRAME.stdout, "got hello\n"], [FRAME.exit, "6"]]);
    await waitFor("the monitor to end", () => !isAlive(started.monitorPid));
  });

  it("answers a malformed request with an error line and closes, and serves the next client", async () => {
    const started = await startDetached({ argv: ["sleep", "1000"] });
    for (const request of ["hello\n", "attach stdout=2\n", `attach ${"x".repeat(200)}\n`]) {
      const reply = await new Promise<string>((resolve, reject) => {
        let text = "";
        const socket = createConnection(started.socket, () => socket.write(request));
        socket.on("data", (chunk) => (text += chunk.toString()));
        socket.on("close", () => resolve(text));
        socket.on("error", reject);
      });
      expect(reply, request).toMatch(/^(error bad attach request\n)?$/);
    }
    const session = await connectAttach(started.socket, { stdout: true });
    session.close();
  });
});

describe("berth-init monitor --tty", () => {
  it("gives the process a terminal from the container's own devpts, sized by the client, logged as stdout", async () => {
    const script = "tty; test -t 0 && echo stdin-is-a-tty; stty size; echo to-stderr >&2";
    const started = await startDetached({ argv: ["sh", "-c", script], consoleFd: CONSOLE_FD }, { tty: true, waitStart: true });
    const { chunks, onOutput } = collect();
    const size = { rows: 33, cols: 101 };
    const session = await connectAttach(started.socket, { stdout: true, stderr: true, start: true, size, onOutput });
    expect(await session.exited).toBe(0);
    expect(chunks.stderr).toBe("");
    expect(chunks.stdout).toBe("/dev/pts/0\r\nstdin-is-a-tty\r\n33 101\r\nto-stderr\r\n");
    const logs = await readLogs(started.logFile);
    expect(logs.every((entry) => entry.stream === "stdout")).toBe(true);
  });

  it("passes keystrokes through the pty with --stdin and applies resizes while running", async () => {
    const script = "stty size; read line; echo got:$line; read line; stty size";
    const started = await startDetached({ argv: ["sh", "-c", script], consoleFd: CONSOLE_FD }, { tty: true, stdin: true, waitStart: true });
    const { chunks, onOutput } = collect();
    const size = { rows: 24, cols: 80 };
    const session = await connectAttach(started.socket, { stdin: true, stdout: true, start: true, size, onOutput });
    session.writeStdin("typed\r"); // before the pty exists: held until it does
    await waitFor("the first size", () => chunks.stdout.includes("24 80\r\n"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    session.resize(40, 120);
    await new Promise((resolve) => setTimeout(resolve, 100));
    session.writeStdin("more\r");
    expect(await session.exited).toBe(0);
    // the terminal echoes the held keystrokes as soon as it gets them: before or after stty's output
    expect(chunks.stdout).toMatch(/^(24 80\r\ntyped\r\n|typed\r\n24 80\r\n)got:typed\r\nmore\r\n40 120\r\n$/);
  });
});
