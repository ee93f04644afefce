import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { runAttached, useContainerRoots } from "../test-support/container-root.js";

// docker's default seccomp profile, applied by berth-init right before the command runs. A static
// probe (test-support/syscall-probe.c, built here) calls each syscall the profile decides on and
// prints `<name> ok|<errno>`; the same probe without the filter shows which refusals are its own.

const freshRoot = useContainerRoots();
const probeSource = fileURLToPath(new URL("../test-support/syscall-probe.c", import.meta.url));

async function buildProbe(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await execa("gcc", ["-static", "-O2", "-o", `${dir}/probe`, probeSource]);
  return dir;
}

const probe = (text: string) => Object.fromEntries(text.trim().split("\n").map((line) => line.split(" ") as [string, string]));

describe("seccomp", () => {
  it("refuses keyctl, add_key, unshare, mount, reboot, odd personalities, AF_ALG, AF_VSOCK and clone3 as docker's profile does, x32 calls too", async () => {
    const root = await freshRoot();
    const dir = await buildProbe(`${root.root}/probe`);
    const filtered = await runAttached(root.engine, { image: "busybox", volumes: [`${dir}:/probe:ro`], cmd: ["sh", "-c", "grep '^Seccomp:' /proc/self/status; /probe/probe"] });
    expect(filtered.exitCode, filtered.stderr).toBe(0);
    expect(filtered.stdout.split("\n")[0]).toBe("Seccomp:\t2");
    expect(probe(filtered.stdout.split("\n").slice(1).join("\n"))).toEqual({
      keyctl: "EPERM", add_key: "EPERM", unshare: "EPERM", mount: "EPERM", reboot: "EPERM",
      personality_query: "ok", personality_bsd: "EPERM", socket_vsock: "EPERM", socket_unix: "ok", socket_alg: "EPERM", clone3: "ENOSYS",
      x32_getpid: expect.any(String), x32_keyctl: "EPERM", x32_mount: "EPERM",
    });

    const unconfined = await runAttached(root.engine, { image: "busybox", securityOpt: ["seccomp=unconfined"], volumes: [`${dir}:/probe:ro`], cmd: ["sh", "-c", "grep '^Seccomp:' /proc/self/status; /probe/probe"] });
    expect(unconfined.stdout.split("\n")[0]).toBe("Seccomp:\t0");
    // Without the filter only the capability checks refuse (mount, reboot); the rest go through.
    expect(probe(unconfined.stdout.split("\n").slice(1).join("\n"))).toMatchObject({
      keyctl: "ok", add_key: "ok", unshare: "ok", mount: "EPERM", reboot: "EPERM", personality_bsd: "ok", clone3: "EINVAL",
    });
    // An x32 call the profile allows reaches the kernel (ok, or ENOSYS from one without x32), as without the filter.
    const x32 = (text: string) => probe(text.split("\n").slice(1).join("\n")).x32_getpid;
    expect(x32(filtered.stdout)).toBe(x32(unconfined.stdout));
    expect(["ok", "ENOSYS"]).toContain(x32(filtered.stdout));
  }, 120_000);

  it("leaves busybox's everyday work alone, and --privileged runs without a filter", async () => {
    const { engine } = await freshRoot();
    const everyday = await runAttached(engine, {
      image: "busybox",
      cmd: ["sh", "-c", "mkdir -p /tmp/a && echo hi > /tmp/a/f && tr a-z A-Z < /tmp/a/f; sleep 0.1 & wait; ls / | wc -l; nc -l -p 8080 -e true & kill $!; wait; ps -o pid,comm | wc -l; echo done"],
    });
    expect(everyday.exitCode, everyday.stderr).toBe(0);
    expect(everyday.stdout).toMatch(/^HI\n\d+\n\d+\ndone\n$/);
    const privileged = await runAttached(engine, { image: "busybox", privileged: true, cmd: ["sh", "-c", "grep '^Seccomp:' /proc/self/status; mount -t tmpfs none /tmp && echo mounted"] });
    expect(privileged.stdout).toBe("Seccomp:\t0\nmounted\n");
  }, 120_000);
});
