import { existsSync, statSync } from "node:fs";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { useNativeFixtures } from "./test-support/fixtures.js";

// `berth-init init --rootfs …`: the container's namespaces, mounts, masks and pivot_root done by
// the helper itself, run as root on a copy of the busybox rootfs (the mounts land in the helper's
// own mount namespace, so nothing may show up on the host).

const fx = useNativeFixtures();

async function rootfsCopy(): Promise<{ dir: string; rootfs: string }> {
  const dir = await fx.tempDir();
  const rootfs = join(dir, "rootfs");
  await execa("cp", ["-a", fx.rootfs, rootfs]);
  return { dir, rootfs };
}

const init = (args: string[]) => execa(fx.helper, ["init", ...args], { reject: false, stdin: "ignore" });

describe("berth-init init --rootfs", () => {
  it("mounts the plan (a read-only tmpfs after what is mounted in it), masks, links, makes the root read-only and pivots", async () => {
    const { rootfs } = await rootfsCopy();
    const script = [
      "hostname", "pwd", "readlink /dev/ptmx", "test -c /dev/null && echo null-is-a-device",
      "wc -c < /proc/keys", "grep -E ' /proc/sys | /srv/data | /srv/data/sub ' /proc/mounts | cut -d' ' -f2,4 | cut -d, -f1",
      "touch /x 2>/dev/null || echo root-read-only", "echo ok > /tmp/t && cat /tmp/t",
      "test -e /usr/bin/node || echo no-host-files", "grep -c . /proc/self/mountinfo",
    ].join("; ");
    const result = await init([
      "--rootfs", rootfs, "--unshare", "mount,uts,ipc", "--hostname", "box",
      "--mount", "proc", "proc", "/proc", "nosuid,noexec,nodev", "dir",
      "--mount", "tmpfs", "tmpfs", "/dev", "nosuid,mode=755,size=1m", "dir",
      "--mount", "bind", "/dev/null", "/dev/null", "bind", "file",
      "--mount", "tmpfs", "tmpfs", "/srv/data", "ro,size=1m,rprivate", "dir",
      "--mount", "tmpfs", "tmpfs", "/srv/data/sub", "size=1m", "dir",
      "--mount", "tmpfs", "tmpfs", "/tmp", "", "dir",
      "--symlink", "pts/ptmx", "/dev/ptmx",
      "--mask", "/proc/keys", "--readonly-path", "/proc/sys", "--mask", "/proc/no-such-path",
      "--readonly-rootfs", "--cwd", "/app/dir",
      "--", "sh", "-c", script,
    ]);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 11)).toEqual([
      "box", "/app/dir", "pts/ptmx", "null-is-a-device", "0", "/srv/data ro", "/srv/data/sub rw", "/proc/sys ro", "root-read-only", "ok", "no-host-files",
    ]);
    // the root, the 6 mounts, the mask and the read-only path
    expect(Number(lines[11])).toBe(9);
    expect(result.exitCode).toBe(0);
    // Made before the root went read-only, inside the rootfs; nothing is mounted on the host.
    expect(statSync(join(rootfs, "app/dir")).isDirectory()).toBe(true);
    expect(statSync(join(rootfs, "dev")).isDirectory()).toBe(true);
  });

  it("refuses a mount target behind a symlink of the rootfs and touches nothing outside it", async () => {
    const { dir, rootfs } = await rootfsCopy();
    const outside = join(dir, "outside");
    await mkdir(outside);
    await symlink(outside, join(rootfs, "evil"));
    const result = await init(["--rootfs", rootfs, "--unshare", "mount", "--mount", "tmpfs", "tmpfs", "/evil/x", "", "dir", "--", "true"]);
    expect(result.exitCode).toBe(125);
    expect(result.stderr).toContain("berth-init: refusing to mount on /evil/x: /evil is a symbolic link");
    expect(existsSync(join(outside, "x"))).toBe(false);
  });

  it("joins the network namespace given with --netns", async () => {
    const { dir, rootfs } = await rootfsCopy();
    const handle = join(dir, "netns");
    await writeFile(handle, "");
    await execa("unshare", [`--net=${handle}`, "true"]);
    try {
      const result = await init(["--rootfs", rootfs, "--netns", handle, "--unshare", "mount", "--mount", "proc", "proc", "/proc", "", "dir", "--", "readlink", "/proc/self/ns/net"]);
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe(`net:[${statSync(handle).ino}]`);
    } finally {
      await execa("umount", [handle]);
    }
  });

  it("refuses bad setup options with 125 before changing anything", async () => {
    const { rootfs } = await rootfsCopy();
    const cases: Array<[string[], string]> = [
      [["--mount", "tmpfs", "tmpfs", "/x", "", "fifo"], "--mount /x: want dir or file, not fifo"],
      [["--unshare", "mount,pid"], "--unshare: unknown namespace pid"],
      [["--mask", "proc/keys"], "--mask proc/keys: want an absolute path"],
      [["--oom-score-adj", "5000"], "--oom-score-adj"],
      [["--mount", "tmpfs", "tmpfs"], "--mount --: want an absolute path"],
    ];
    for (const [args, message] of cases) {
      const result = await init(["--rootfs", rootfs, ...args, "--", "true"]);
      expect(result.exitCode, args.join(" ")).toBe(125);
      expect(result.stderr).toContain(message);
    }
    expect(existsSync(join(rootfs, "x"))).toBe(false);
  });
});
