import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The container verbs as a user runs them: the real bin/berth, a fresh BERTH_ROOT (the busybox base
// image loads into it from /usr/local/share/berth/busybox.tar), real namespaces, mounts and cgroups,
// so these need root. Names without a registry host are never looked up in one: missing images
// are `localhost/…` names.

const bin = resolve(import.meta.dirname, "../bin/berth");
const builtMain = resolve(import.meta.dirname, "../dist/main.js");
const baseImageArchive = "/usr/local/share/berth/busybox.tar";

let workDir: string;
let root: string;

beforeAll(() => {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build apps/cli before its e2e tests`);
  if (!existsSync(baseImageArchive)) throw new Error(`${baseImageArchive} is missing: the container e2e tests run busybox from it`);
  if (process.getuid?.() !== 0) throw new Error("the container e2e tests need root (namespaces, mounts, cgroups)");
  workDir = mkdtempSync(join(tmpdir(), "berth-cli-containers-"));
  root = join(workDir, "root");
});

afterAll(() => {
  if (root === undefined) return;
  const ids = berth(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter((id) => id !== "");
  if (ids.length > 0) berth(["rm", "-f", ...ids]);
  rmSync(workDir, { recursive: true, force: true });
});

function berth(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(bin, args, {
    encoding: "utf8",
    input: options.input ?? "",
    cwd: workDir,
    env: { PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root, ...options.env },
    timeout: 60_000,
  });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

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
    expect(missing.stderr).toContain("nosuchcmd");
    expect(berth(["run", "--rm", "busybox", "/etc"]).status).toBe(126);
  });

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
    writeFileSync(join(workDir, "app.env"), "FROM_FILE=yes\n");
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
      cwd: workDir,
      env: { PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root, TERM: "xterm" },
      timeout: 60_000,
    });
    expect(result.stdout).toMatch(/\/dev\/pts\/\d+\r*\n/);
    expect(result.stdout).toMatch(/\b30 100\r*\n/);
    expect(result.status).toBe(3);
  });
});

/** Spawn berth (or script running it) and resolve once its stdout shows `marker`. */
async function spawnUntil(command: string, args: string[], marker: string) {
  const child = spawn(command, args, { cwd: workDir, env: { PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root, TERM: "xterm" } });
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
    const dir = join(root, "containers", id);
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

describe("rename", () => {
  it("renames a running container; refuses a taken name and an unknown container like docker", () => {
    expect(berth(["run", "-d", "--name", "e2e-old", "busybox", "sleep", "300"]).status).toBe(0);
    expect(berth(["create", "--name", "e2e-taken", "busybox", "true"]).status).toBe(0);
    expect(berth(["rename", "e2e-old", "e2e-new"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["ps", "--format", "{{.Names}} {{.State}}", "-f", "name=e2e-new"]).stdout).toBe("e2e-new running\n");
    const taken = berth(["rename", "e2e-new", "e2e-taken"]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toMatch(/^Error: Error when allocating new name: Conflict\. The container name "\/e2e-taken" is already in use by container "[0-9a-f]{64}"\./);
    expect(berth(["rename", "e2e-nope", "e2e-x"])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: e2e-nope\n" });
    expect(berth(["rename", "e2e-new"]).status).toBe(125);
    expect(berth(["rm", "-f", "e2e-new", "e2e-taken"]).status).toBe(0);
  }, 300_000);
});

describe("volumes", () => {
  it("creates, lists, inspects and removes volumes with docker's output", () => {
    expect(berth(["volume", "create", "--label", "tier=db", "e2e-data"])).toEqual({ status: 0, stdout: "e2e-data\n", stderr: "" });
    expect(berth(["volume", "ls"]).stdout).toBe("DRIVER    VOLUME NAME\nlocal     e2e-data\n");
    expect(berth(["volume", "ls", "-q", "-f", "label=tier=db"]).stdout).toBe("e2e-data\n");
    expect(berth(["volume", "ls", "--format", "{{.Name}} {{.Labels}} {{.Mountpoint}}"]).stdout).toBe(`e2e-data tier=db ${root}/volumes/e2e-data/_data\n`);
    const inspect = berth(["volume", "inspect", "e2e-data"]);
    expect(JSON.parse(inspect.stdout)).toEqual([{
      CreatedAt: expect.any(String), Driver: "local", Labels: { tier: "db" }, Mountpoint: `${root}/volumes/e2e-data/_data`, Name: "e2e-data", Options: {}, Scope: "local",
    }]);
    expect(berth(["inspect", "--format", "{{.Driver}}", "e2e-data"]).stdout).toBe("local\n");
    expect(berth(["volume", "inspect", "e2e-nope"])).toEqual({ status: 1, stdout: "[]\n", stderr: "Error: No such volume: e2e-nope\n" });
    const bad = berth(["volume", "create", "-o", "bogus=1", "e2e-bad"]);
    expect(bad).toEqual({ status: 1, stdout: "", stderr: 'Error: create e2e-bad: invalid option: "bogus"\n' });

    expect(berth(["run", "--rm", "-v", "e2e-data:/etc", "busybox", "cat", "/etc/passwd"]).stdout).toContain("root:x:0:0");
    expect(berth(["run", "-d", "--name", "e2e-user", "-v", "e2e-data:/data", "busybox", "sleep", "300"]).status).toBe(0);
    const inUse = berth(["volume", "rm", "e2e-data"]);
    expect(inUse.status).toBe(1);
    expect(inUse.stderr).toMatch(/^Error: remove e2e-data: volume is in use - \[[0-9a-f]{64}\]\n$/);
    expect(berth(["rm", "-f", "e2e-user"]).status).toBe(0);
    expect(berth(["volume", "rm", "e2e-data", "e2e-nope"])).toEqual({ status: 1, stdout: "e2e-data\n", stderr: "Error: get e2e-nope: no such volume\n" });
    expect(berth(["volume", "rm", "-f", "e2e-nope"])).toEqual({ status: 0, stdout: "e2e-nope\n", stderr: "" });
  }, 300_000);

  it("prunes anonymous volumes after asking, all unused ones with -a", () => {
    const id = berth(["create", "-v", "/anon", "busybox", "true"]).stdout.trim();
    expect(berth(["volume", "create", "e2e-named"]).status).toBe(0);
    expect(berth(["rm", id]).status).toBe(0);
    const anonymous = berth(["volume", "ls", "-q", "-f", "dangling=true"]).stdout.split("\n").filter((name) => /^[0-9a-f]{64}$/.test(name));
    expect(anonymous).toHaveLength(1);
    const warning = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ";
    expect(berth(["volume", "prune"], { input: "n\n" })).toEqual({ status: 0, stdout: warning, stderr: "" });
    expect(berth(["volume", "prune"], { input: "y\n" })).toEqual({
      status: 0, stdout: `${warning}Deleted Volumes:\n${anonymous[0]}\n\nTotal reclaimed space: 0B\n`, stderr: "",
    });
    expect(berth(["volume", "prune", "-a", "-f"]).stdout).toBe("Deleted Volumes:\ne2e-named\n\nTotal reclaimed space: 0B\n");
    expect(berth(["volume", "ls", "-q"]).stdout).toBe("");
  }, 300_000);
});

describe("container prune, system prune and system df", () => {
  it("prunes stopped containers after asking, and counts containers and volumes in system df", () => {
    const exited = berth(["run", "-v", "/scratch", "busybox", "sh", "-c", "echo 12345 > /scratch/f; echo 123 > /f"]);
    expect(exited.status).toBe(0);
    const stopped = berth(["ps", "-aq", "--no-trunc", "-f", "status=exited"]).stdout.trim();
    expect(stopped).toMatch(/^[0-9a-f]{64}$/);
    expect(berth(["run", "-d", "--name", "e2e-keep", "busybox", "sleep", "300"]).status).toBe(0);
    const df = berth(["system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}"]).stdout;
    expect(df).toMatch(/^Images 1 1 \S+ 0B \(0%\)\nContainers 2 1 4B 4B \(100%\)\nLocal Volumes 1 1 6B 0B \(0%\)\n$/);
    expect(berth(["system", "df", "-v"]).stdout).toMatch(/\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n/);

    const warning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ";
    expect(berth(["container", "prune"], { input: "no\n" })).toEqual({ status: 0, stdout: warning, stderr: "" });
    expect(berth(["ps", "-aq", "--no-trunc", "-f", "status=exited"]).stdout.trim()).toBe(stopped);
    expect(berth(["container", "prune", "-f", "--filter", "until=1h"]).stdout).toBe("Total reclaimed space: 0B\n");
    expect(berth(["container", "prune"], { input: "y\n" })).toEqual({
      status: 0, stdout: `${warning}Deleted Containers:\n${stopped}\n\nTotal reclaimed space: 4B\n`, stderr: "",
    });

    const systemWarning = "WARNING! This will remove:\n  - all stopped containers\n  - all anonymous volumes not used by at least one container\n  - all dangling images\n\nAre you sure you want to continue? [y/N] ";
    expect(berth(["system", "prune", "--volumes"], { input: "\n" })).toEqual({ status: 0, stdout: systemWarning, stderr: "" });
    expect(berth(["stop", "-t", "0", "e2e-keep"]).status).toBe(0);
    const pruned = berth(["system", "prune", "--volumes", "-f"]);
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nDeleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: 6B\n$/);
    expect(berth(["images", "-q"]).stdout).not.toBe(""); // dangling images only: busybox stays
  }, 300_000);
});

describe("rmi and containers", () => {
  it("refuses the last name of a used image without -f, and with -f deletes what only a stopped container uses", () => {
    expect(berth(["tag", "busybox", "localhost/e2e-rmi:1"]).status).toBe(0);
    const id = berth(["create", "localhost/e2e-rmi:1", "echo", "still here"]).stdout.trim();
    // another name is left: only this one goes
    expect(berth(["rmi", "busybox"])).toEqual({ status: 0, stdout: "Untagged: busybox:latest\n", stderr: "" });
    const refused = berth(["rmi", "localhost/e2e-rmi:1"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Error: conflict: unable to remove repository reference "localhost\/e2e-rmi:1" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}\n$/);
    const forced = berth(["rmi", "-f", "localhost/e2e-rmi:1"]);
    expect(forced.stdout).toMatch(/^Untagged: localhost\/e2e-rmi:1\nDeleted: sha256:[0-9a-f]{64}\n$/);
    expect(berth(["images", "-aq"]).stdout).toBe("");
    expect(berth(["ps", "-a", "--format", "{{.Image}}", "-f", `id=${id}`]).stdout).toMatch(/^[0-9a-f]{12}\n$/);
    expect(berth(["start", "-a", id])).toEqual({ status: 0, stdout: "still here\n", stderr: "" });
    expect(berth(["rm", id]).status).toBe(0);
    expect(berth(["load", "-i", baseImageArchive]).status).toBe(0); // busybox back for whatever runs next
  }, 300_000);
});

describe("exec, attach, top and stats on a running container", { timeout: 180_000 }, () => {
  let id: string;

  it("exec runs in the container with its env merged with -e/--env-file, -w and -u, and exits with the command's code", () => {
    id = berth(["run", "-d", "--name", "e2e-exec", "-e", "A=1", "busybox", "sleep", "300"]).stdout.trim();
    writeFileSync(join(workDir, "exec.env"), "B=from-file\n");
    expect(berth(["exec", "-e", "C=3", "--env-file", "exec.env", "-w", "/tmp", "-u", "nobody", "e2e-exec", "sh", "-c", "echo $A $B $C; pwd; id -u; hostname"])).toEqual({
      status: 0, stdout: `1 from-file 3\n/tmp\n65534\n${id.slice(0, 12)}\n`, stderr: "",
    });
    expect(berth(["exec", "e2e-exec", "sh", "-c", "exit 5"]).status).toBe(5);
    expect(berth(["exec", "e2e-exec", "ps", "-o", "pid,args"]).stdout).toMatch(/^PID +COMMAND\n +1 sleep 300\n +\d+ ps -o pid,args\n$/);
  });

  it("exec gives 127/126 like docker, streams stdin with -i, and returns at once with -d", () => {
    const missing = berth(["exec", "e2e-exec", "no-such-command"]);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('exec: "no-such-command": executable file not found in $PATH');
    expect(berth(["exec", "e2e-exec", "/etc"]).status).toBe(126);
    expect(berth(["exec", "-i", "e2e-exec", "cat"], { input: "piped\n" })).toEqual({ status: 0, stdout: "piped\n", stderr: "" });
    expect(berth(["exec", "e2e-exec", "cat"], { input: "not sent\n" })).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["exec", "-d", "e2e-exec", "sh", "-c", "echo hidden; touch /tmp/d"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["exec", "-it", "e2e-exec", "sh"], { input: "exit\n" })).toEqual({ status: 1, stdout: "", stderr: "the input device is not a TTY\n" });
  });

  it("exec -it gives a pty of the local terminal's size", () => {
    const command = `stty cols 101 rows 31; ${bin} exec -it e2e-exec sh -c 'tty; stty size; exit 4'`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      encoding: "utf8", input: "", cwd: workDir, env: { PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root, TERM: "xterm" }, timeout: 60_000,
    });
    expect(result.stdout).toMatch(/\/dev\/pts\/\d+\r*\n/);
    expect(result.stdout).toMatch(/\b31 101\r*\n/);
    expect(result.status).toBe(4);
  });

  it("top prints docker's columns, and passes ps options through", () => {
    const top = berth(["top", "e2e-exec"]);
    expect(top.status).toBe(0);
    const [header, ...rows] = top.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^UID {17}PID {17}PPID {16}C {19}STIME {15}TTY {17}TIME {16}CMD$/);
    expect(rows).toEqual([expect.stringMatching(/^root +\d+ +\d+ +\d+ +\S+ +\? +\S+ +sleep 300$/)]);
    expect(berth(["top", "e2e-exec", "-o", "pid,comm"]).stdout).toMatch(/^PID {17}COMMAND\n\d+ +sleep\n$/);
  });

  it("stats --no-stream prints docker's columns and --format fields", () => {
    const stats = berth(["stats", "--no-stream"]);
    expect(stats.status).toBe(0);
    const [header, ...rows] = stats.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
    expect(rows).toEqual([expect.stringMatching(new RegExp(`^${id.slice(0, 12)} +e2e-exec +\\d+\\.\\d\\d% +[\\d.]+[KMG]?i?B / [\\d.]+[KMG]iB +\\d+\\.\\d\\d% +[\\d.]+[kMG]?B / [\\d.]+[kMG]?B +0B / 0B +1$`))]);
    const formatted = berth(["stats", "--no-stream", "--no-trunc", "--format", "{{.Container}} {{.ID}} {{.PIDs}}", "e2e-exec"]);
    expect(formatted).toEqual({ status: 0, stdout: `e2e-exec ${id} 1\n`, stderr: "" });
    expect(berth(["stats", "--no-stream", "e2e-nothing"])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: e2e-nothing\n" });
  });

  it("attach relays a running container's output until it exits, with its code", async () => {
    expect(berth(["run", "-d", "-i", "--name", "e2e-attach", "busybox", "sh", "-c", "read line; echo got $line; exit 6"]).status).toBe(0);
    expect(berth(["attach", "e2e-attach"], { input: "hello\n" })).toEqual({ status: 6, stdout: "got hello\n", stderr: "" });
    expect(berth(["attach", "e2e-attach"])).toEqual({ status: 1, stdout: "", stderr: "Error: You cannot attach to a stopped container, start it first\n" });
  });

  it("attach to a tty container leaves on the detach keys, the container still running", async () => {
    expect(berth(["run", "-d", "-it", "--name", "e2e-attach-tty", "busybox", "sh"]).status).toBe(0);
    const child = spawn("script", ["-qec", `${bin} attach e2e-attach-tty`, "/dev/null"], { cwd: workDir, env: { PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root, TERM: "xterm" } });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // What the shell printed before the attach is not replayed: type until an answer comes back.
    await expect.poll(() => {
      child.stdin.write("echo mark-$((1+1))\n");
      return output.includes("mark-2");
    }, { timeout: 60_000, interval: 500 }).toBe(true);
    child.stdin.write("\x10\x11");
    expect(await exited).toBe(0);
    expect(berth(["ps", "--format", "{{.Names}} {{.State}}", "-f", "name=e2e-attach-tty"]).stdout).toBe("e2e-attach-tty running\n");
  });

  it("refuses exec, top and attach on a paused or stopped container with docker's errors", () => {
    expect(berth(["pause", "e2e-exec"]).status).toBe(0);
    expect(berth(["exec", "e2e-exec", "true"])).toEqual({ status: 1, stdout: "", stderr: `Error: Container ${id} is paused, unpause the container before exec\n` });
    expect(berth(["top", "e2e-exec"]).status).toBe(0);
    expect(berth(["attach", "e2e-exec"])).toEqual({ status: 1, stdout: "", stderr: "Error: You cannot attach to a paused container, unpause it first\n" });
    expect(berth(["unpause", "e2e-exec"]).status).toBe(0);
    expect(berth(["kill", "e2e-exec"]).status).toBe(0);
    expect(berth(["exec", "e2e-exec", "true"])).toEqual({ status: 1, stdout: "", stderr: `Error: Container ${id} is not running\n` });
    expect(berth(["top", "e2e-exec"])).toEqual({ status: 1, stdout: "", stderr: `Error: Container ${id} is not running\n` });
    expect(berth(["rm", "-f", "e2e-exec", "e2e-attach", "e2e-attach-tty"]).status).toBe(0);
  });
});

// Each berth process takes seconds on a loaded CI host: these tests run several in a row.
describe("diff, export and cp", { timeout: 600_000 }, () => {
  /** A shell pipeline with berth on PATH as `berth`, in the work dir (binary tars stay in pipes). */
  function shell(script: string) {
    return spawnSync("sh", ["-c", script], {
      encoding: "utf8",
      cwd: workDir,
      env: { PATH: `${resolve(bin, "..")}:${process.env["PATH"]}`, HOME: workDir, BERTH_ROOT: root },
      timeout: 120_000,
    });
  }

  it("diff prints docker's A/C/D lines of a stopped container", () => {
    expect(berth(["run", "--name", "e2e-fs", "busybox", "sh", "-c", "mkdir /tmp/n && echo n > /tmp/n/f && rm /bin/rev"]).status).toBe(0);
    expect(berth(["diff", "e2e-fs"])).toEqual({ status: 0, stdout: "C /bin\nD /bin/rev\nC /tmp\nA /tmp/n\nA /tmp/n/f\n", stderr: "" });
    expect(berth(["container", "diff", "nope"])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: nope\n" });
  });

  it("export writes a tar that import turns into an image that runs", () => {
    const listed = shell("berth export e2e-fs | tar -tf - | grep -E '^(tmp/n/f|bin/rev|proc/)$'");
    expect(listed.stdout).toBe("proc/\ntmp/n/f\n");
    expect(berth(["export", "-o", "flat.tar", "e2e-fs"]).status).toBe(0);
    expect(berth(["import", "flat.tar", "localhost/e2e-flat"]).status).toBe(0);
    expect(berth(["run", "--rm", "localhost/e2e-flat", "cat", "/tmp/n/f"])).toEqual({ status: 0, stdout: "n\n", stderr: "" });
    expect(berth(["export", "-o", "missing/dir/x.tar", "e2e-fs"])).toMatchObject({ status: 1, stderr: `Error: failed to export container: invalid output path: directory "${workDir}/missing/dir" does not exist\n` });
  });

  it("cp copies both ways, with docker's path rules, `-` streams and errors", () => {
    writeFileSync(join(workDir, "host.txt"), "from host\n");
    expect(berth(["cp", "host.txt", "e2e-fs:/tmp/n/"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["cp", "host.txt", "e2e-fs:/tmp/renamed"]).status).toBe(0);
    expect(berth(["cp", "e2e-fs:/tmp/n", "out"]).status).toBe(0);
    expect(shell("cat out/f out/host.txt").stdout).toBe("n\nfrom host\n");
    expect(berth(["cp", "e2e-fs:/tmp/renamed", "out/"]).status).toBe(0);
    expect(shell("cat out/renamed").stdout).toBe("from host\n");
    expect(shell("berth cp e2e-fs:/tmp/n/. - | tar -tf - | sort").stdout).toBe("./\n./f\n./host.txt\n");
    expect(shell("tar -cf - host.txt | berth cp - e2e-fs:/ && berth cp e2e-fs:/host.txt - | tar -xOf -").stdout).toBe("from host\n");
    expect(berth(["cp", "e2e-fs:/nope", "."])).toEqual({ status: 1, stdout: "", stderr: "Error: Could not find the file /nope in container e2e-fs\n" });
    expect(berth(["cp", "e2e-fs:/tmp/n", "host.txt"])).toMatchObject({ status: 1, stderr: "Error: cannot copy directory\n" });
    expect(berth(["cp", "host.txt", "e2e-fs:/tmp/absent/"])).toMatchObject({ status: 1, stderr: "Error: no such directory\n" });
    expect(berth(["cp", "host.txt", "out/x"]).stderr).toBe("Error: must specify at least one container source\n");
    expect(berth(["cp", "e2e-fs:/a", "e2e-fs:/b"]).stderr).toBe("Error: copying between containers is not supported\n");
    expect(shell("tar -cf - host.txt | berth cp - e2e-fs:/tmp/renamed").stderr).toBe('Error: destination "e2e-fs:/tmp/renamed" must be a directory\n');
    expect(berth(["cp", "nope:/x", "."])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: nope\n" });
    expect(berth(["rm", "e2e-fs"]).status).toBe(0);
  });
});

function context(name: string, dockerfile: string): string {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  writeFileSync(join(dir, "hello.txt"), "hello\n");
  return dir;
}

describe("build and commit", () => {
  it("prints docker's steps, tags, writes --iidfile, and -q prints only the ID", () => {
    const dir = context("ok", "FROM busybox\nCOPY hello.txt /\nRUN cat /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n");
    const first = berth(["build", "-t", "localhost/hello:1", "-t", "localhost/hello:2", "--iidfile", join(dir, "id.txt"), dir]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Step 1\/4 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/4 : COPY hello.txt \/\n ---> [0-9a-f]{12}\nStep 3\/4 : RUN cat \/hello.txt\n ---> Running in [0-9a-f]{12}\nhello\nRemoving intermediate container [0-9a-f]{12}\n/);
    expect(first.stdout).toMatch(/Successfully tagged localhost\/hello:1\nSuccessfully tagged localhost\/hello:2\n$/);
    const id = readFileSync(join(dir, "id.txt"), "utf8");
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(berth(["build", "-q", dir])).toEqual({ status: 0, stdout: `${id}\n`, stderr: "" });
    expect(berth(["run", "--rm", "localhost/hello:2"]).stdout).toBe("hello\n");
    // FROM, COPY, RUN, CMD: each a stored image (the rows below busybox's are <missing>).
    expect(berth(["history", "-q", "localhost/hello:1"]).stdout.split("\n").filter((row) => /^[0-9a-f]{12}$/.test(row))).toHaveLength(4);
  });

  it("exits with a failing RUN's code, reads a Dockerfile from stdin, and refuses bad input", () => {
    const dir = context("fail", "FROM busybox\nRUN exit 42\n");
    const failed = berth(["build", "-t", "localhost/failed", dir]);
    expect(failed.status).toBe(42);
    expect(failed.stderr).toBe("The command '/bin/sh -c exit 42' returned a non-zero code: 42\n");
    expect(berth(["image", "inspect", "localhost/failed"]).status).toBe(1);
    const fromStdin = berth(["build", "-f", "-", "-q", dir], { input: "FROM busybox\nLABEL from=stdin\n" });
    expect(fromStdin.status).toBe(0);
    const bad = berth(["build", "-f", "-", dir], { input: "FROM busybox\nNOPE x\n" });
    expect(bad).toMatchObject({ status: 1, stderr: "Error: Dockerfile:2: unknown instruction: NOPE\n" });
    expect(berth(["build", join(workDir, "missing")]).status).toBe(1);
  });

  it("commit prints the new image's ID and tags it", () => {
    expect(berth(["run", "--name", "commit-src", "busybox", "sh", "-c", "echo saved > /saved"]).status).toBe(0);
    const committed = berth(["commit", "-c", "CMD cat /saved", "-m", "msg", "commit-src", "localhost/saved:1"]);
    expect(committed.status).toBe(0);
    expect(committed.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(berth(["run", "--rm", "localhost/saved:1"]).stdout).toBe("saved\n");
    expect(berth(["commit", "nope"])).toMatchObject({ status: 1, stderr: "Error: No such container: nope\n" });
  });
});
