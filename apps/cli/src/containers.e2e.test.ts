import { spawn, spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, useE2eRoot } from "./test-support/container-e2e.js";

// The container lifecycle as a user runs it: run, attach, -it, detached containers, exits and
// logs, through the real bin/berth in a fresh root (test-support/container-e2e.ts). Names without
// a registry host are never looked up in one: missing images are `localhost/…` names.

const e2e = useE2eRoot("berth-cli-containers-");
const { berth } = e2e;

describe("run", () => {
  it("runs a command attached and removes the container with --rm", () => {
    expect(berth(["run", "--rm", "busybox", "echo", "hi"])).toEqual({ status: 0, stdout: "hi\n", stderr: "" });
    expect(berth(["ps", "-aq"])).toEqual({ status: 0, stdout: "", stderr: "" });
  });

  it("exits with the container's exit code", () => {
    expect(berth(["run", "--rm", "busybox", "sh", "-c", "exit 7"]).status).toBe(7);
  });

  it("keeps the command's own flags after the image, and the environment flags before it", () => {
    const result = berth(["run", "--rm", "-e", "GREETING=hello", "-e", "FROM_BERTH", "busybox", "sh", "-c", 'echo "$GREETING $FROM_BERTH"; ls -d /'], {
      env: { FROM_BERTH: "world" },
    });
    expect(result).toEqual({ status: 0, stdout: "hello world\n/\n", stderr: "" });
  });

  it("keeps stdout and stderr apart", () => {
    expect(berth(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2"])).toEqual({ status: 0, stdout: "out\n", stderr: "err\n" });
  });

  it("streams a pipe into the container with -i", () => {
    expect(berth(["run", "-i", "--rm", "busybox", "cat"], { input: "data\nmore data\n" })).toEqual({
      status: 0,
      stdout: "data\nmore data\n",
      stderr: "",
    });
  });

  it("exits 127 when the command does not exist, and 126 when it cannot be executed", () => {
    const missing = berth(["run", "--rm", "busybox", "nosuchcmd"]);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('Error: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\n');
    expect(berth(["run", "--rm", "busybox", "/etc"]).status).toBe(126);
    expect(berth(["ps", "-aq"]).stdout).toBe("");
  });

  it("leaves an attached run's container Created when its command cannot run, as docker does; a command's own 127 is an exit", () => {
    const missing = berth(["run", "--name", "attached-missing", "busybox", "nosuchcmd"]);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('Error: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\n');
    const notExecutable = berth(["run", "--name", "attached-noexec", "busybox", "/etc/passwd"]);
    expect(notExecutable.status).toBe(126);
    expect(notExecutable.stderr).toContain('Error: unable to start container process: exec: "/etc/passwd": permission denied: unknown\n');
    expect(berth(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}", "attached-missing", "attached-noexec"]).stdout).toBe(
      'created 127 unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\n' +
        'created 126 unable to start container process: exec: "/etc/passwd": permission denied: unknown\n',
    );
    // docker's start -a reports the failed start as an error (exit 1), not as the command's code.
    const again = berth(["start", "-a", "attached-missing"]);
    expect([again.status, again.stderr]).toEqual([1, expect.stringContaining("executable file not found in $PATH")]);
    expect(berth(["ps", "-a", "--filter", "name=attached-missing", "--format", "{{.Status}}"]).stdout).toBe("Created\n");
    expect(berth(["run", "--name", "own-127", "busybox", "sh", "-c", "exit 127"]).status).toBe(127);
    expect(berth(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "own-127"]).stdout).toBe("exited 127\n");
    expect(berth(["rm", "attached-missing", "attached-noexec", "own-127"]).status).toBe(0);
  }, 300_000);

  it("exits 127 or 126 from run -d too, printing the id first and leaving the container Created, as docker does", () => {
    const missing = berth(["run", "-d", "--name", "cannot-run", "busybox", "nosuchcmd"]);
    expect(missing.status).toBe(127);
    expect(missing.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(missing.stderr).toBe('Error: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown\n');
    expect(berth(["ps", "-a", "--filter", "name=cannot-run", "--format", "{{.Status}}"]).stdout).toBe("Created\n");
    expect(berth(["start", "cannot-run"]).status).toBe(1);
    const notExecutable = berth(["run", "-d", "busybox", "/etc/passwd"]);
    expect(notExecutable.status).toBe(126);
    // Both stay Created, as docker leaves them: remove them so later tests see an empty root.
    expect(berth(["rm", "cannot-run", notExecutable.stdout.trim()]).status).toBe(0);
  }, 300_000);

  it("exits 125 for an image it does not have, without pulling", () => {
    const result = berth(["run", "--rm", "localhost/nothing"]);
    expect(result.status).toBe(125);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Unable to find image 'localhost\/nothing:latest' locally\nError: /);
    const never = berth(["run", "--rm", "--pull=never", "localhost/nothing:1"]);
    expect(never.status).toBe(125);
    expect(never.stderr).toMatch(/^Error: No such image: localhost\/nothing:1/);
  });

  it("exits 125 with docker's message for a bad flag value", () => {
    const result = berth(["run", "--rm", "-m", "10zz", "busybox", "true"]);
    expect(result.status).toBe(125);
    expect(result.stderr).toContain(`invalid argument "10zz" for "-m, --memory" flag: invalid size: '10zz'`);
    expect(berth(["run", "--rm", "--stop-signal", "SIGNOPE", "busybox", "true"]).status).toBe(125);
  });

  it("reads --env-file itself: a missing file is berth's error, not node's", () => {
    writeFileSync(join(e2e.workDir, "app.env"), "FROM_FILE=yes\n");
    expect(berth(["run", "--rm", "--env-file", "app.env", "busybox", "sh", "-c", "echo $FROM_FILE"]).stdout).toBe("yes\n");
    expect(berth(["run", "--rm", "--env-file", "missing.env", "busybox", "true"])).toEqual({
      status: 125,
      stdout: "",
      stderr: "Error: open missing.env: no such file or directory\n",
    });
  });

  it("refuses -it from a pipe as docker does", () => {
    expect(berth(["run", "-it", "--rm", "busybox", "sh"], { input: "exit\n" })).toEqual({
      status: 1,
      stdout: "",
      stderr: "the input device is not a TTY\n",
    });
  });

  it("gives -it a terminal: a pty inside, of the local terminal's size, exit code out", () => {
    // script(1) runs berth on a pty of its own, as a user's terminal would.
    const command = `stty cols 100 rows 30; ${bin} run -it --rm busybox sh -c 'tty; stty size; exit 3'`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      encoding: "utf8",
      input: "",
      cwd: e2e.workDir,
      env: e2e.env({ TERM: "xterm" }),
      timeout: 60_000,
    });
    expect(result.stdout).toMatch(/\/dev\/pts\/\d+\r*\n/);
    expect(result.stdout).toMatch(/\b30 100\r*\n/);
    expect(result.status).toBe(3);
  });
});

/** Spawn berth (or script running it) and resolve once its stdout shows `marker`. */
async function spawnUntil(command: string, args: string[], marker: string) {
  const child = spawn(command, args, { cwd: e2e.workDir, env: e2e.env({ TERM: "xterm" }) });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) resolve();
    });
    child.on("close", () => reject(new Error(`berth ended before printing ${marker}: ${output}`)));
  });
  return { child, exited, output: () => output };
}

describe("run attached without a tty", () => {
  it("passes the signals berth receives on to the container", async () => {
    const script = 'trap "echo got INT; exit 42" INT; echo ready; while true; do sleep 0.1; done';
    const { child, exited, output } = await spawnUntil(bin, ["run", "--rm", "busybox", "sh", "-c", script], "ready");
    child.kill("SIGINT");
    expect(await exited).toBe(42);
    expect(output()).toBe("ready\ngot INT\n");
  });
});

describe("run -it and the detach keys", () => {
  it("leaves the container running on Ctrl-P Ctrl-Q and exits 0", async () => {
    const command = `${bin} run -it --name e2e-detach busybox sh -c 'echo ready; sleep 300'`;
    const { child, exited } = await spawnUntil("script", ["-qec", command, "/dev/null"], "ready");
    child.stdin.write("\x10\x11");
    expect(await exited).toBe(0);
    expect(berth(["ps", "--format", "{{.Names}} {{.State}}", "-f", "name=e2e-detach"]).stdout).toBe("e2e-detach running\n");
    expect(berth(["rm", "-f", "e2e-detach"]).status).toBe(0);
  });
});

describe("a detached container", () => {
  let id: string;

  it("starts with -d, printing its full id", () => {
    const result = berth(["run", "-d", "--name", "e2e-web", "-l", "role=web", "busybox", "sleep", "300"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    id = result.stdout.trim();
  });

  it("is listed by ps under docker's columns", () => {
    const lines = berth(["ps"]).stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
    const row = lines.find((line) => line.endsWith(" e2e-web"));
    expect(row).toMatch(new RegExp(`^${id.slice(0, 12)} +busybox +"sleep 300" +.* ago +Up .+ +e2e-web$`));
    expect(berth(["ps", "-q", "-f", "label=role=web"]).stdout).toBe(`${id.slice(0, 12)}\n`);
    expect(berth(["container", "ls", "--no-trunc", "--format", "{{.ID}} {{.Names}} {{.State}}"]).stdout).toContain(`${id} e2e-web running\n`);
  });

  it("refuses a second container with the same name, exiting 125", () => {
    const result = berth(["run", "-d", "--name", "e2e-web", "busybox", "true"]);
    expect(result.status).toBe(125);
    expect(result.stderr).toContain('"/e2e-web" is already in use');
  });

  it("is inspected as a container before any image", () => {
    expect(berth(["inspect", "--format", "{{.State.Status}} {{.Config.Labels.role}}", "e2e-web"])).toEqual({
      status: 0,
      stdout: "running web\n",
      stderr: "",
    });
    expect(berth(["container", "inspect", "-f", "{{.Id}}", "e2e-web"]).stdout).toBe(`${id}\n`);
    expect(berth(["inspect", "--format", "{{.Id}}", "busybox"]).stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
  });

  it("pauses and unpauses", () => {
    expect(berth(["pause", "e2e-web"])).toEqual({ status: 0, stdout: "e2e-web\n", stderr: "" });
    expect(berth(["ps", "--format", "{{.Status}}", "-f", "name=e2e-web"]).stdout).toMatch(/^Up .* \(Paused\)\n$/);
    expect(berth(["unpause", "e2e-web"])).toEqual({ status: 0, stdout: "e2e-web\n", stderr: "" });
  });

  it("refuses rm while running, then stops and is removed", () => {
    const refused = berth(["rm", "e2e-web"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Error: /);
    expect(berth(["stop", "-t", "1", "e2e-web"])).toEqual({ status: 0, stdout: "e2e-web\n", stderr: "" });
    expect(berth(["ps", "-a", "--format", "{{.Status}}", "-f", "name=e2e-web"]).stdout).toMatch(/^Exited \(137\) .* ago\n$/);
    expect(berth(["rm", "e2e-web", "e2e-nothing"])).toEqual({ status: 1, stdout: "e2e-web\n", stderr: "Error: No such container: e2e-nothing\n" });
    expect(berth(["ps", "-aq"]).stdout).toBe("");
  });
});

describe("container cleanup, the monitor's exit command", () => {
  it("removes a detached --rm container once it exits, with no other berth command run", async () => {
    const id = berth(["run", "-d", "--rm", "busybox", "true"]).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const dir = join(e2e.root, "containers", id);
    for (let waited = 0; existsSync(dir) && waited < 30_000; waited += 200) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(dir)).toBe(false);
  });

  it("is idempotent, and harmless for a container that is gone", () => {
    const id = berth(["run", "-d", "busybox", "true"]).stdout.trim();
    expect(berth(["wait", id]).stdout).toBe("0\n");
    expect(berth(["container", "cleanup", id])).toEqual({ status: 0, stdout: `${id}\n`, stderr: "" });
    expect(berth(["container", "cleanup", id]).status).toBe(0);
    expect(berth(["rm", id]).status).toBe(0);
    expect(berth(["container", "cleanup", id]).status).toBe(0);
  });
});

describe("exited containers", () => {
  it("wait prints the exit code", () => {
    const id = berth(["run", "-d", "busybox", "sh", "-c", "exit 3"]).stdout.trim();
    expect(berth(["wait", id])).toEqual({ status: 0, stdout: "3\n", stderr: "" });
    expect(berth(["rm", id]).status).toBe(0);
  });

  it("logs keeps stdout and stderr apart, with docker's timestamps on -t", () => {
    // stdout and stderr are separate pipes: the pause keeps "three" after "two" in the log.
    expect(berth(["run", "--name", "e2e-logs", "busybox", "sh", "-c", "echo one; echo two >&2; sleep 1; echo three"]).status).toBe(0);
    expect(berth(["logs", "e2e-logs"])).toEqual({ status: 0, stdout: "one\nthree\n", stderr: "two\n" });
    expect(berth(["logs", "--tail", "1", "e2e-logs"]).stdout).toBe("three\n");
    const stamped = berth(["logs", "-t", "e2e-logs"]).stdout;
    expect(stamped).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,9}Z one\n\S+Z three\n$/);
  });

  it("start -a runs a created container again, attached", () => {
    const created = berth(["create", "--name", "e2e-again", "busybox", "echo", "again"]);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(berth(["start", "-a", "e2e-again"])).toEqual({ status: 0, stdout: "again\n", stderr: "" });
    expect(berth(["start", "-a", "e2e-again"]).stdout).toBe("again\n");
    expect(berth(["rm", "e2e-again", "e2e-logs"])).toEqual({ status: 0, stdout: "e2e-again\ne2e-logs\n", stderr: "" });
  });

  it("restart and kill work on a running container", () => {
    expect(berth(["run", "-d", "--name", "e2e-restart", "busybox", "sleep", "300"]).status).toBe(0);
    expect(berth(["restart", "-t", "0", "e2e-restart"])).toEqual({ status: 0, stdout: "e2e-restart\n", stderr: "" });
    expect(berth(["ps", "--format", "{{.Names}}"]).stdout).toContain("e2e-restart\n");
    expect(berth(["kill", "e2e-restart"])).toEqual({ status: 0, stdout: "e2e-restart\n", stderr: "" });
    expect(berth(["wait", "e2e-restart"]).stdout).toBe("137\n");
    expect(berth(["rm", "e2e-restart"]).status).toBe(0);
  });
});
