import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// berth-init's seccomp program for the ABIs besides x86_64, by their own numbers. The kernel
// tests (container-seccomp.kernel.test.ts) run x86_64 and x32 calls under the real filter; i386
// code cannot run where the kernel's ia32 emulation is off (as on the test machines), so here
// the same program, built from the helper's sources, runs in test-support/seccomp-eval.c's
// classic BPF interpreter.

const NATIVE_DIR = fileURLToPath(new URL("../../native/", import.meta.url));
const EVAL_SOURCE = fileURLToPath(new URL("./test-support/seccomp-eval.c", import.meta.url));
const DOCKER_CAPS = "a80425fb";
const WITH_SYS_ADMIN = "a82425fb"; // docker's 14 and CAP_SYS_ADMIN (bit 21)

let dir: string;
let evaluator: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "berth-seccomp-"));
  evaluator = join(dir, "seccomp-eval");
  const sources = [EVAL_SOURCE, ...["seccomp.c", "seccomp-table.c", "util.c"].map((file) => join(NATIVE_DIR, file))];
  await execa("gcc", ["-std=gnu11", "-D_GNU_SOURCE", "-O2", "-Wall", "-Wextra", "-Werror", "-I", NATIVE_DIR, "-o", evaluator, ...sources]);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function verdicts(caps: string, calls: Record<string, string>): Promise<Record<string, string>> {
  const { stdout } = await execa(evaluator, [caps, ...Object.values(calls)]);
  const byCall = new Map(stdout.trim().split("\n").map((line) => line.split(" ") as [string, string]));
  return Object.fromEntries(Object.entries(calls).map(([name, call]) => [name, byCall.get(call) ?? "missing"]));
}

describe("the seccomp filter's i386 and x32 parts", () => {
  it("allows i386 calls by their i386 numbers with docker's rules, and refuses the rest with EPERM", async () => {
    expect(await verdicts(DOCKER_CAPS, {
      getpid: "i386:20", llseek: "i386:140", mmap2: "i386:192", chown32: "i386:212", socketcall: "i386:102",
      mount: "i386:21", kexec_load: "i386:283", keyctl: "i386:288", unshare: "i386:310", reboot: "i386:88",
      socket_unix: "i386:359:1", socket_vsock: "i386:359:40", socket_alg: "i386:359:38",
      personality_query: "i386:136:4294967295", personality_bsd: "i386:136:6",
      fork_clone: "i386:120:17", namespace_clone: "i386:120:268435456", clone3: "i386:435",
      // x86_64's numbers mean something else on i386: 165 (x86_64's mount) is getresuid, 39 (getpid) mkdir.
      x86_64_mount_number: "i386:165", x86_64_getpid_number: "i386:39",
    })).toEqual({
      getpid: "allow", llseek: "allow", mmap2: "allow", chown32: "allow", socketcall: "allow",
      mount: "EPERM", kexec_load: "EPERM", keyctl: "EPERM", unshare: "EPERM", reboot: "EPERM",
      socket_unix: "allow", socket_vsock: "EPERM", socket_alg: "EPERM",
      personality_query: "allow", personality_bsd: "EPERM",
      fork_clone: "allow", namespace_clone: "EPERM", clone3: "ENOSYS",
      x86_64_mount_number: "allow", x86_64_getpid_number: "allow",
    });
  });

  it("follows the container's capabilities on i386 as on x86_64", async () => {
    expect(await verdicts(WITH_SYS_ADMIN, { mount: "i386:21", unshare: "i386:310", clone3: "i386:435", reboot: "i386:88" })).toEqual({
      mount: "allow", unshare: "allow", clone3: "allow", reboot: "EPERM",
    });
  });

  it("allows x32 calls by their x32 numbers (x86_64's, and x32's own from 512), and refuses the rest", async () => {
    expect(await verdicts(DOCKER_CAPS, {
      read: "x32:0", getpid: "x32:39", rt_sigaction: "x32:512", ioctl: "x32:514",
      x86_64_rt_sigaction: "x32:13", mount: "x32:165", keyctl: "x32:250", socket_vsock: "x32:41:40", socket_unix: "x32:41:1",
      x86_64_getpid: "x86_64:39", x86_64_mount: "x86_64:165",
    })).toEqual({
      read: "allow", getpid: "allow", rt_sigaction: "allow", ioctl: "allow",
      x86_64_rt_sigaction: "EPERM", mount: "EPERM", keyctl: "EPERM", socket_vsock: "EPERM", socket_unix: "allow",
      x86_64_getpid: "allow", x86_64_mount: "EPERM",
    });
  });
});
