import { describe, expect, it } from "vitest";
import { mergeRunConfig } from "./container-config.js";
import { renderInitArgs } from "./init-args.js";
import { planContainerStart, type ContainerStartInput } from "./start-plan.js";

const id = "c0ffee0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
const merged = `/var/lib/berth/containers/${id}/merged`;

function plan(overrides: Partial<ContainerStartInput> = {}, cmd = ["sh", "-c", "echo 'hi' $HOME"]) {
  return planContainerStart({
    id,
    config: mergeRunConfig({ Env: ["PATH=/bin"], Cmd: cmd }, { env: ["GREETING=it's $(here)"], labels: {}, tty: false, openStdin: false }, id),
    rootfs: { lowerDirs: ["/l/init", "/l/a"], upperDir: "/c/upper", workDir: "/c/work", mergedDir: merged },
    files: { hostsPath: "/c/hosts", hostnamePath: "/c/hostname", resolvConfPath: "/c/resolv.conf" },
    passwd: "root:x:0:0:root:/root:/bin/sh\n",
    group: "root:x:0:\n",
    cgroup: { version: 2 },
    ...overrides,
  });
}

/** The values of every occurrence of option `name` taking `count` values. */
function occurrences(args: string[], name: string, count: number): string[][] {
  const end = args.indexOf("--");
  return args.slice(0, end).flatMap((arg, index) => (arg === name ? [args.slice(index + 1, index + 1 + count)] : []));
}

describe("renderInitArgs", () => {
  const args = renderInitArgs(plan(), { netns: "/run/berth/x/c/id/netns" });

  it("starts with the rootfs, the network namespace to join and the namespaces to unshare", () => {
    expect(args.slice(0, 9)).toEqual([
      "init", "--rootfs", merged, "--netns", "/run/berth/x/c/id/netns", "--unshare", "mount,uts,ipc,cgroup", "--hostname", "c0ffee012345",
    ]);
  });

  it("passes every mount of the plan, in the plan's order, as kind source target options type", () => {
    const mounts = occurrences(args, "--mount", 5);
    expect(mounts).toEqual(plan().mounts.map((m) => [m.kind, m.source, m.target, m.options.join(","), m.targetType]));
    expect(mounts.slice(0, 3)).toEqual([
      ["proc", "proc", "/proc", "nosuid,noexec,nodev", "dir"],
      ["tmpfs", "tmpfs", "/dev", "nosuid,strictatime,mode=755,size=65536k", "dir"],
      ["bind", "/dev/null", "/dev/null", "bind", "file"],
    ]);
    expect(mounts).toContainEqual(["cgroup", "cgroup2", "/sys/fs/cgroup", "nosuid,noexec,nodev,ro", "dir"]);
    expect(mounts).toContainEqual(["bind", "/c/hosts", "/etc/hosts", "rbind,rprivate", "file"]);
  });

  it("passes the /dev links, masked and read-only paths", () => {
    expect(occurrences(args, "--symlink", 2)).toContainEqual(["pts/ptmx", "/dev/ptmx"]);
    expect(occurrences(args, "--mask", 1)).toContainEqual(["/proc/kcore"]);
    expect(occurrences(args, "--readonly-path", 1)).toContainEqual(["/proc/sys"]);
    expect(args).not.toContain("--readonly-rootfs");
    expect(args).not.toContain("--oom-score-adj");
  });

  it("ends with the process: ids, caps, cwd, env, then the argv after --", () => {
    const end = args.indexOf("--");
    expect(args.slice(args.indexOf("--uid"), end)).toEqual([
      "--uid", "0", "--gid", "0", "--groups", "0",
      "--caps", "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,CAP_SETUID,CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,CAP_AUDIT_WRITE",
      "--seccomp", "default",
      "--cwd", "/", "--clear-env", "--env", "PATH=/bin", "--env", "HOSTNAME=c0ffee012345", "--env", "GREETING=it's $(here)",
    ]);
    expect(args.slice(end)).toEqual(["--", "sh", "-c", "echo 'hi' $HOME"]);
  });

  it("adds the options of the plan: read-only root, OOM score, working dir, no-new-privs, no caps, no masks when privileged", () => {
    const text = renderInitArgs(plan({
      readOnlyRootfs: true,
      resources: { oomScoreAdj: 300 },
      noNewPrivileges: true,
      capDrop: ["ALL"],
      config: mergeRunConfig({ Cmd: ["true"] }, { env: [], labels: {}, tty: false, openStdin: false, workingDir: "/srv/app" }, id),
    }));
    expect(text).toContain("--readonly-rootfs");
    expect(occurrences(text, "--oom-score-adj", 1)).toEqual([["300"]]);
    expect(occurrences(text, "--cwd", 1)).toEqual([["/srv/app"]]);
    expect(occurrences(text, "--caps", 1)).toEqual([["none"]]);
    expect(text).toContain("--no-new-privs");
    expect(text).not.toContain("--netns");
    expect(text).not.toContain("--nodev-rootfs");
    const privileged = renderInitArgs(plan({ privileged: true, boundingCaps: (1n << 21n) | 1n }));
    expect(occurrences(privileged, "--caps", 1)).toEqual([["CAP_CHOWN,CAP_SYS_ADMIN"]]);
    expect(occurrences(privileged, "--seccomp", 1)).toEqual([["unconfined"]]);
    expect(privileged).not.toContain("--mask");
    expect(privileged).not.toContain("--readonly-path");
  });

  it("remounts the rootfs nodev when no devices cgroup guards the container", () => {
    expect(renderInitArgs(plan({ nodevMounts: true }))).toContain("--nodev-rootfs");
  });

  it("keeps hostile paths and names as single words", () => {
    const hostile = "/srv/it's $(id) `x`";
    const text = renderInitArgs(plan({ mounts: [{ type: "bind", source: hostile, target: "/data/'; reboot; '", readOnly: false }] }));
    expect(occurrences(text, "--mount", 5)).toContainEqual(["bind", hostile, "/data/'; reboot; '", "rbind,rprivate", "dir"]);
  });

  it("hands a TTY's console socket and the exec status pipe to the helper and refuses a bad fd or a NUL byte", () => {
    expect(renderInitArgs(plan(), { consoleFd: 3, execFd: 4 }).slice(-8)).toEqual(["--console-fd", "3", "--exec-fd", "4", "--", "sh", "-c", "echo 'hi' $HOME"]);
    expect(() => renderInitArgs(plan(), { consoleFd: -1 })).toThrow("invalid console fd: -1");
    expect(() => renderInitArgs(plan(), { execFd: 1.5 })).toThrow("invalid exec fd: 1.5");
    expect(() => renderInitArgs(plan({}, ["echo", "a\0b"]))).toThrow("NUL");
  });
});
