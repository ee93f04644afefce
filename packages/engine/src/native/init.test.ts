import { describe, expect, it } from "vitest";
import { containerArgv, DOCKER_CAP_MASK, type ContainerSpec } from "./test-support/busybox-container.js";
import { useNativeFixtures } from "./test-support/fixtures.js";
import { runMonitor } from "./test-support/run-monitor.js";

const fx = useNativeFixtures();

/** Runs one busybox container to its end under a foreground monitor. */
async function run(argv: string[], spec: Partial<ContainerSpec> = {}) {
  const dir = await fx.tempDir();
  const containerSpec: ContainerSpec = { rootfs: fx.rootfs, helper: fx.helper, argv, ...spec };
  return runMonitor(fx.helper, dir, {
    argv: containerArgv(containerSpec),
    pidNamespace: containerSpec.pid !== "unshare",
    pidFile: `${dir}/pid`,
  });
}

const statusField = (status: string, field: string) => new RegExp(`^${field}:\\s+(\\S+)$`, "m").exec(status)?.[1];

describe("berth-init init, the last step of a busybox container's start", () => {
  it("runs the command as PID 1 of its own pid namespace, with the hostname and no host processes", async () => {
    const result = await run(["sh", "-c", 'echo "pid=$$ host=$(hostname)"; echo /proc/[0-9]*']);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("pid=1 host=c0ffee\n/proc/1\n"); // only itself: nothing of the host
    expect(result.exit).toMatchObject({ exitCode: 0, signal: null, oomKilled: false });
  });

  it("gives root docker's 14 capabilities as bounding, permitted and effective set, nothing inheritable", async () => {
    const { stdout } = await run(["cat", "/proc/self/status"]);
    expect(statusField(stdout, "CapBnd")).toBe(DOCKER_CAP_MASK);
    expect(statusField(stdout, "CapPrm")).toBe(DOCKER_CAP_MASK);
    expect(statusField(stdout, "CapEff")).toBe(DOCKER_CAP_MASK);
    expect(statusField(stdout, "CapInh")).toBe("0000000000000000");
    expect(statusField(stdout, "CapAmb")).toBe("0000000000000000");
    expect(statusField(stdout, "NoNewPrivs")).toBe("0");
    expect(stdout).toMatch(/^Uid:\s+0\s+0\s+0\s+0$/m);
  });

  it("leaves a non-root user no permitted or effective capability, with the bounding set kept", async () => {
    const { stdout } = await run(["cat", "/proc/self/status"], { uid: 65534, gid: 65534, groups: [100, 200] });
    expect(statusField(stdout, "CapEff")).toBe("0000000000000000");
    expect(statusField(stdout, "CapPrm")).toBe("0000000000000000");
    expect(statusField(stdout, "CapBnd")).toBe(DOCKER_CAP_MASK);
    expect(stdout).toMatch(/^Uid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(stdout).toMatch(/^Gid:\s+65534\s+65534\s+65534\s+65534$/m);
    expect(stdout).toMatch(/^Groups:\s+100 200\s*$/m);
  });

  it("sets no_new_privs only when asked", async () => {
    const { stdout } = await run(["cat", "/proc/self/status"], { noNewPrivileges: true });
    expect(statusField(stdout, "NoNewPrivs")).toBe("1");
  });

  it("keeps exactly the capabilities named: without CAP_SYS_ADMIN mount is refused, with `all` it works", async () => {
    const refused = await run(["mount", "-t", "tmpfs", "t", "/tmp"]);
    expect(refused.exit?.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/permission denied/i);
    const few = await run(["cat", "/proc/self/status"], { capabilities: ["CAP_KILL", "net_raw"] });
    expect(statusField(few.stdout, "CapEff")).toBe("0000000000002020");
    const all = await run(["sh", "-c", "mount -t tmpfs t /tmp && echo mounted"], { capabilities: "all" });
    expect(all.stdout).toBe("mounted\n");
  });

  it("removes itself from the container before exec, and the old root is gone", async () => {
    const { stdout } = await run(["sh", "-c", "ls -a /dev/.init; cat /proc/mounts | wc -l; ls /dev/.init/old | wc -l"]);
    expect(stdout.split("\n")).toEqual([".", "..", "old", expect.stringMatching(/^\d+$/), "0", ""]);
  });

  it("sets the environment and creates the working directory", async () => {
    const { stdout } = await run(["sh", "-c", "pwd; env | sort"], {
      clearEnv: true,
      env: ["PATH=/bin:/usr/bin", "A=1", "B=two words", "A=3"],
      cwd: "/work/deep/dir",
    });
    expect(stdout).toBe("/work/deep/dir\nA=3\nB=two words\nPATH=/bin:/usr/bin\nPWD=/work/deep/dir\nSHLVL=1\n");
  });

  it("propagates exit codes through the monitor into the exit file: 0, 7, 127, 126", async () => {
    const [ok, seven, missing, notExecutable] = await Promise.all([
      run(["true"]),
      run(["sh", "-c", "exit 7"]),
      run(["no-such-command"]),
      run(["/etc/passwd"]),
    ]);
    expect(ok.exit?.exitCode).toBe(0);
    expect(seven.exit?.exitCode).toBe(7);
    expect(seven.monitorExitCode).toBe(7);
    expect(missing.exit?.exitCode).toBe(127);
    expect(missing.stderr).toBe('berth-init: exec: "no-such-command": executable file not found in $PATH\n');
    expect(notExecutable.exit?.exitCode).toBe(126);
    expect(notExecutable.stderr).toBe('berth-init: exec: "/etc/passwd": permission denied\n');
  });

  it("looks commands up in the container's PATH, not the host's", async () => {
    const { exit, stderr } = await run(["ls"], { clearEnv: true, env: ["PATH=/nowhere"] });
    expect(exit?.exitCode).toBe(127);
    expect(stderr).toContain('exec: "ls": executable file not found in $PATH');
  });

  it("also starts under the recipe's own `unshare --pid --fork`, where PID 1 is a grandchild", async () => {
    const result = await run(["sh", "-c", "echo $$; exit 3"], { pid: "unshare" });
    expect(result.stdout).toBe("1\n");
    expect(result.exit?.exitCode).toBe(3);
  });
});
