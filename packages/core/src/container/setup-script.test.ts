import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeRunConfig } from "./container-config.js";
import { renderInitArgs, renderSetupScript, shellQuote } from "./setup-script.js";
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

/** Undo the quoting grammar: the concatenation of `'…'` and `\'` pieces. */
function unquote(word: string): string {
  const pieces = word.match(/'[^']*'|\\'/g) ?? [];
  expect(pieces.join("")).toBe(word);
  return pieces.map((piece) => (piece === "\\'" ? "'" : piece.slice(1, -1))).join("");
}

describe("shellQuote", () => {
  it.each([
    ["", "''"],
    ["plain", "'plain'"],
    ["it's", "'it'\\''s'"],
    ["$(rm -rf /) `id` $HOME \\n \"x\" ; | & > < * ?", "'$(rm -rf /) `id` $HOME \\n \"x\" ; | & > < * ?'"],
    ["''", "''\\'''\\'''"],
    ["line\nbreak", "'line\nbreak'"],
  ])("%j → %s", (text, quoted) => {
    expect(shellQuote(text)).toBe(quoted);
  });

  it("refuses NUL bytes", () => {
    expect(() => shellQuote("a\0b")).toThrow("NUL");
  });

  it("always yields one single-quoted word that reads back as the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }).filter((text) => !text.includes("\0")), (text) => {
        const quoted = shellQuote(text);
        expect(quoted.startsWith("'") && quoted.endsWith("'")).toBe(true);
        // Outside quotes there is nothing but the escaped quote \' (no expansion can happen).
        const outside = quoted.replace(/'[^']*'/g, "");
        expect(outside).toBe("\\'".repeat((text.match(/'/g) ?? []).length));
        expect(unquote(quoted)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
});

describe("renderSetupScript", () => {
  const script = renderSetupScript(plan(), { initBinaryPath: "/usr/local/lib/berth/berth-init" });
  const lines = script.split("\n");

  it("starts strict, private, with the rootfs bound on itself", () => {
    expect(lines.slice(0, 4)).toEqual([
      "# Written by @berth/core renderSetupScript: the start of one container. Run with sh -e inside",
      "# the container's new namespaces; every word below is single-quoted.",
      "set -eu",
      `M='${merged}'`,
    ]);
    expect(script).toContain("mount --make-rprivate /\nmount --bind \"$M\" \"$M\"\n");
  });

  it("mounts in the plan's order, checking each target for symlinks first", () => {
    const mounts = lines.filter((line) => line.startsWith("mount ") && line.includes('"$M"\''));
    expect(mounts.slice(0, 4)).toEqual([
      "mount -t 'proc' -o 'nosuid,noexec,nodev' 'proc' \"$M\"'/proc'",
      "mount -t 'tmpfs' -o 'nosuid,strictatime,mode=755,size=65536k' 'tmpfs' \"$M\"'/dev'",
      "mount -o 'bind' '/dev/null' \"$M\"'/dev/null'",
      "mount -o 'bind' '/dev/zero' \"$M\"'/dev/zero'",
    ]);
    expect(script).toContain("mount -t 'cgroup2' -o 'nosuid,noexec,nodev,ro' 'cgroup2' \"$M\"'/sys/fs/cgroup'");
    expect(script).toContain(
      "check_target '/etc/hosts'\n[ -d \"$M\"'/etc' ] || mkdir -p \"$M\"'/etc'\n[ -e \"$M\"'/etc/hosts' ] || : > \"$M\"'/etc/hosts'\nmount -o 'rbind,rprivate' '/c/hosts' \"$M\"'/etc/hosts'\n",
    );
    expect(script).toContain("check_target '/dev/pts'\n[ -d \"$M\"'/dev/pts' ] || mkdir -p \"$M\"'/dev/pts'\nmount -t 'devpts'");
    expect(script).toContain("ln -sfn 'pts/ptmx' \"$M\"'/dev/ptmx'");
  });

  it("masks and write-protects docker's paths", () => {
    expect(script).toContain(
      "if [ -d \"$M\"'/proc/kcore' ]; then mount -t tmpfs -o ro tmpfs \"$M\"'/proc/kcore'; elif [ -e \"$M\"'/proc/kcore' ]; then mount --bind /dev/null \"$M\"'/proc/kcore'; fi",
    );
    expect(script).toContain(
      "if [ -e \"$M\"'/proc/sys' ]; then mount --rbind \"$M\"'/proc/sys' \"$M\"'/proc/sys'; mount -o remount,bind,ro,nosuid,nodev,noexec \"$M\"'/proc/sys'; fi",
    );
  });

  it("sets the hostname, pivots into /dev/.init/old, unmounts the old root with its own loader, and execs the helper", () => {
    const tail = lines.slice(lines.indexOf("printf '%s' 'c0ffee012345' > /proc/sys/kernel/hostname"));
    expect(tail.slice(0, 8)).toEqual([
      "printf '%s' 'c0ffee012345' > /proc/sys/kernel/hostname",
      "# the helper, on the container's private /dev tmpfs (put_old goes there too)",
      "mkdir -p \"$M\"'/dev/.init/old'",
      "cp '/usr/local/lib/berth/berth-init' \"$M\"'/dev/.init/berth-init'",
      "cd \"$M\"",
      "pivot_root . 'dev/.init/old'",
      "# the old root is reachable for one more command: its own umount, run by its own loader",
      "'/dev/.init/old/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' --library-path '/dev/.init/old/lib/x86_64-linux-gnu:/dev/.init/old/usr/lib/x86_64-linux-gnu' '/dev/.init/old/usr/bin/umount' -l '/dev/.init/old'",
    ]);
    expect(tail.slice(8)).toEqual([
      "cd /",
      "exec '/dev/.init/berth-init' 'init' '--uid' '0' '--gid' '0' '--groups' '0' '--caps' 'CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,CAP_SETUID,CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,CAP_AUDIT_WRITE' '--seccomp' 'default' '--cwd' '/' '--clear-env' '--env' 'PATH=/bin' '--env' 'HOSTNAME=c0ffee012345' '--env' 'GREETING=it'\\''s $(here)' '--unlink-self' '/dev/.init/berth-init' '--' 'sh' '-c' 'echo '\\''hi'\\'' $HOME'",
      "",
    ]);
  });

  it("quotes every word of the exec line so the argv reads back exactly", () => {
    const execLine = lines.find((line) => line.startsWith("exec "))!;
    const words = execLine.slice("exec ".length).match(/(?:'[^']*'|\\')+/g)!;
    expect(words.map(unquote)).toEqual(["/dev/.init/berth-init", ...renderInitArgs(plan(), "/dev/.init/berth-init")]);
    expect(words.map(unquote).slice(-3)).toEqual(["sh", "-c", "echo 'hi' $HOME"]);
  });

  it("adds the options of the plan: read-only root, OOM score, working dir, no-new-privs, no caps", () => {
    const text = renderSetupScript(
      plan({
        readOnlyRootfs: true,
        resources: { oomScoreAdj: 300 },
        noNewPrivileges: true,
        capDrop: ["ALL"],
        config: mergeRunConfig({ Cmd: ["true"] }, { env: [], labels: {}, tty: false, openStdin: false, workingDir: "/srv/app" }, id),
      }),
      { initBinaryPath: "/opt/berth-init" },
    );
    expect(text).toContain("printf '%s\\n' '300' > /proc/self/oom_score_adj\n");
    expect(text).toContain("check_target '/srv/app'\n[ -d \"$M\"'/srv/app' ] || mkdir -p \"$M\"'/srv/app'\nmount -o remount,bind,ro \"$M\"\n");
    expect(text).toContain("'--caps' 'none' '--no-new-privs' '--seccomp' 'default' '--cwd' '/srv/app'");
  });

  it("remounts the rootfs nodev when the plan asks (no devices cgroup), keeping it on a read-only remount", () => {
    const text = renderSetupScript(plan({ nodevMounts: true, readOnlyRootfs: true }), { initBinaryPath: "/opt/berth-init" });
    expect(text).toContain("mount --bind \"$M\" \"$M\"\nmount -o remount,bind,nodev \"$M\"\n");
    expect(text).toContain("mount -o remount,bind,ro,nodev \"$M\"\n");
    expect(renderSetupScript(plan(), { initBinaryPath: "/opt/berth-init" })).not.toContain("nodev \"$M\"");
  });

  it("copies a dynamically linked helper's loader and libraries and launches it through them", () => {
    const text = renderSetupScript(plan(), {
      initBinaryPath: "/opt/berth-init",
      initRuntime: { loader: "/lib64/ld-linux-x86-64.so.2", libraries: ["/lib/x86_64-linux-gnu/libc.so.6"] },
      hostLoader: "/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1",
      hostLibraryDirs: ["/lib/aarch64-linux-gnu"],
    });
    expect(text).toContain("cp -L '/lib64/ld-linux-x86-64.so.2' '/lib/x86_64-linux-gnu/libc.so.6' \"$M\"'/dev/.init'/\n");
    expect(text).toContain("'/dev/.init/old/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1' --library-path '/dev/.init/old/lib/aarch64-linux-gnu'");
    expect(text).toContain("exec '/dev/.init/ld-linux-x86-64.so.2' '--library-path' '/dev/.init' '/dev/.init/berth-init' 'init'");
  });

  it("hands a TTY's console socket to the helper", () => {
    const text = renderSetupScript(plan(), { initBinaryPath: "/x", consoleFd: 3 });
    expect(text).toContain("'--unlink-self' '/dev/.init/berth-init' '--console-fd' '3' '--' 'sh'");
    expect(() => renderInitArgs(plan(), "/dev/.init/berth-init", { consoleFd: -1 })).toThrow("invalid console fd: -1");
  });

  it("keeps the helper on the /dev tmpfs", () => {
    expect(() => renderSetupScript(plan(), { initBinaryPath: "/x", helperInContainer: "/usr/bin/berth-init" })).toThrow(
      "the helper must live in a directory of the container's /dev tmpfs",
    );
    expect(renderSetupScript(plan(), { initBinaryPath: "/x", helperInContainer: "/dev/.b/init" })).toContain("pivot_root . 'dev/.b/old'");
  });

  it("quotes hostile paths and names wherever they appear", () => {
    const hostile = "/srv/it's $(id) `x`";
    const text = renderSetupScript(
      plan({ mounts: [{ type: "bind", source: hostile, target: "/data/'; reboot; '", readOnly: false }] }),
      { initBinaryPath: hostile },
    );
    expect(text).toContain("mount -o 'rbind,rprivate' '/srv/it'\\''s $(id) `x`' \"$M\"'/data/'\\''; reboot; '\\'''");
    expect(text).toContain("cp '/srv/it'\\''s $(id) `x`' \"$M\"'/dev/.init/berth-init'");
  });
});
