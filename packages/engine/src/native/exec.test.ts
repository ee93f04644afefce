import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { execa } from "execa";
import { beforeEach, describe, expect, it } from "vitest";
import { execArgs, type ExecOptions } from "./process-args.js";
import { monitorArgs, parseMonitorPid } from "./monitor-args.js";
import { containerArgv, DOCKER_CAP_MASK } from "./test-support/busybox-container.js";
import { useNativeFixtures, waitFor, type TestCgroups } from "./test-support/fixtures.js";

const fx = useNativeFixtures();

let target = 0;
let cgroups: TestCgroups;

/** A running `sleep 1000` busybox container under a detached monitor, in its own cgroups. */
beforeEach(async () => {
  const dir = await fx.tempDir();
  const pidFile = join(dir, "pid");
  cgroups = await fx.cgroups("exec");
  fx.trackPidFile(pidFile);
  const argv = containerArgv({ rootfs: fx.rootfs, helper: fx.helper, hostname: "execbox", argv: ["sleep", "1000"] });
  const { stdout } = await execa(fx.helper, monitorArgs({ argv, detach: true, pidNamespace: true, pidFile, cgroupProcs: cgroups.procs }));
  fx.track(parseMonitorPid(stdout));
  target = Number(await readFile(pidFile, "utf8"));
  await waitFor("the container's sleep", async () => (await readFile(`/proc/${target}/cmdline`, "utf8")).startsWith("sleep"));
});

function exec(argv: string[], options: Partial<ExecOptions> = {}, input?: string) {
  const args = execArgs({ target, cgroupProcs: cgroups.procs, argv, ...options });
  return execa(fx.helper, args, { reject: false, ...(input === undefined ? { stdin: "ignore" as const } : { input }) });
}

describe("berth-init exec into a running container", () => {
  it("sees the container's processes (sleep as PID 1, and itself) and its hostname", async () => {
    const ps = await exec(["ps", "-o", "pid,args"]);
    expect(ps.stderr).toBe("");
    expect(ps.exitCode).toBe(0);
    const rows = ps.stdout.trim().split("\n").slice(1).map((line) => line.trim().split(/\s+/));
    expect(rows).toEqual([["1", "sleep", "1000"], [expect.stringMatching(/^\d+$/), "ps", "-o", "pid,args"]]);
    expect((await exec(["hostname"])).stdout).toBe("execbox");
  });

  it("runs in the container's cgroups and namespaces, and its root", async () => {
    const { stdout } = await exec(["sh", "-c", "cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup; echo ---; ls /; readlink /proc/self/ns/mnt; readlink /proc/1/ns/mnt"]);
    const [own = "", init = "", rest = ""] = stdout.split("---\n");
    const joined = (text: string) => text.split("\n").filter((line) => /^\d+:(memory|cpu[,:]|pids|freezer|:)/.test(line) || line.startsWith("0::"));
    expect(joined(own)).toHaveLength(5);
    expect(joined(own)).toEqual(joined(init));
    for (const line of joined(own)) expect(line).toMatch(/:\/$/); // the root of the container's cgroup namespace
    expect(rest).toContain("linuxrc"); // busybox's root, not the host's
    const [mine, theirs] = rest.trim().split("\n").slice(-2);
    expect(mine).toBe(theirs);
    const hostView = await readFile(join(cgroups.dirs[2] as string, "cgroup.procs"), "utf8");
    expect(hostView.trim().split("\n")).toEqual([String(target)]); // exec'd processes have left again
  });

  it("drops to the same privileges: docker's capabilities, a chosen uid, no_new_privs on request", async () => {
    const root = await exec(["grep", "-E", "^(CapEff|CapBnd|NoNewPrivs)", "/proc/self/status"]);
    expect(root.stdout.split("\n")).toEqual([`CapEff:\t${DOCKER_CAP_MASK}`, `CapBnd:\t${DOCKER_CAP_MASK}`, "NoNewPrivs:\t0"]);
    const nobody = await exec(["sh", "-c", "id -u; grep ^CapEff /proc/self/status"], { uid: 65534, gid: 65534, noNewPrivileges: true });
    expect(nobody.stdout).toBe("65534\nCapEff:\t0000000000000000");
  });

  it("installs the seccomp filter of --seccomp-caps, whatever --caps the process holds", async () => {
    const probe = ["sh", "-c", "grep ^Seccomp: /proc/self/status; unshare -m true && echo unshared"];
    const filtered = await exec(probe, { capabilities: "all", seccomp: { profile: "default", capabilities: ["CAP_CHOWN"] } });
    expect(filtered.stdout).toBe("Seccomp:\t2");
    expect(filtered.stderr).toContain("Operation not permitted");
    const withSysAdmin = await exec(probe, { capabilities: "all", seccomp: { profile: "default", capabilities: ["CAP_SYS_ADMIN"] } });
    expect(withSysAdmin.stdout).toBe("Seccomp:\t2\nunshared");
    expect((await exec(probe, { capabilities: "all" })).stdout).toBe("Seccomp:\t0\nunshared");
  });

  it("uses the given environment and working directory, looking commands up in the container's PATH", async () => {
    const { stdout } = await exec(["sh", "-c", "pwd; env | sort"], { clearEnv: true, env: ["PATH=/bin:/usr/bin", "X=y"], cwd: "/tmp/work" });
    expect(stdout).toBe("/tmp/work\nPATH=/bin:/usr/bin\nPWD=/tmp/work\nSHLVL=1\nX=y");
  });

  it("passes stdin and stdout straight through, and exits with the process's status", async () => {
    expect((await exec(["cat"], {}, "piped\n")).stdout).toBe("piped");
    expect((await exec(["sh", "-c", "exit 3"])).exitCode).toBe(3);
    expect((await exec(["sh", "-c", "kill -KILL $$"])).exitCode).toBe(137);
    const missing = await exec(["no-such-command"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toBe('berth-init: exec: "no-such-command": executable file not found in $PATH');
  });

  it("allocates a pty in the container's devpts with --tty and proxies it", async () => {
    const tty = await exec(["sh", "-c", "tty; test -t 0 && test -t 1 && echo both-ttys"], { tty: true });
    expect(tty.stdout).toBe("/dev/pts/0\r\nboth-ttys"); // execa strips the last newline
    const typed = await exec(["sh", "-c", "read line; echo got:$line"], { tty: true }, "hello\n");
    expect(typed.stdout).toBe("hello\r\ngot:hello"); // the terminal echoes the input
    expect(typed.exitCode).toBe(0);
  });

  it("sizes the pty from --tty-size, then from each line of --resize-fd", async () => {
    const args = execArgs({ target, cgroupProcs: cgroups.procs, tty: true, ttySize: { rows: 40, cols: 120 }, resizeFd: 3, argv: ["sh", "-c", "stty size; read line; stty size"] });
    const child = execa(fx.helper, args, { reject: false, stdio: ["pipe", "pipe", "pipe", "pipe"] });
    const resize = child.stdio[3] as unknown as Writable;
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("40 120") && !output.includes("go")) {
        resize.write("50 100\n");
        child.stdin?.write("go\n");
      }
    });
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("40 120\r\ngo\r\n50 100");
  });

  it("fails with 125 and berth-init's reason when the target is gone", async () => {
    const result = await execa(fx.helper, execArgs({ target: 999_999_999, argv: ["true"] }), { reject: false });
    expect(result.exitCode).toBe(125);
    expect(result.stderr).toBe("berth-init: open /proc/999999999/ns/cgroup: No such file or directory");
  });
});
