import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spec as createSpec } from "./commands/container/create.js";
import { spec as runSpec } from "./commands/container/run.js";
import { createCommandContext } from "./context.js";
import { toCreateOptions } from "./create-flags.js";
import { parseCommandLine } from "./parse-flags.js";
import { createCapturedProcess } from "./test-support/captured-process.js";

const dir = mkdtempSync(join(tmpdir(), "berth-create-flags-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function contextWith(env: Record<string, string>) {
  const { proc } = createCapturedProcess({ env });
  return createCommandContext({ ...proc, cwd: () => dir }, () => Promise.reject(new Error("no engine")));
}

async function createOptionsFor(words: string[], env: Record<string, string> = {}) {
  const parsed = parseCommandLine(runSpec, words);
  return toCreateOptions(contextWith(env), parsed.args, parsed.options, { isDetached: parsed.options.detach });
}

describe("run's command line", () => {
  it("stops at the image: later flags belong to the command", () => {
    const parsed = parseCommandLine(runSpec, ["--rm", "-e", "A=1", "busybox", "ls", "-l", "--rm", "-e", "B"]);
    expect(parsed.args).toEqual(["busybox", "ls", "-l", "--rm", "-e", "B"]);
    expect(parsed.options).toMatchObject({ rm: true, env: ["A=1"] });
  });

  it("keeps repeated flags in order", () => {
    const parsed = parseCommandLine(runSpec, [
      "-v", "/a:/a", "--volume=/b:/b:ro", "--tmpfs", "/run", "--tmpfs=/tmp:size=1m", "--cap-add", "NET_ADMIN", "--cap-add=SYS_TIME",
      "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--mount", "type=tmpfs,target=/x", "-l", "a=1", "--label", "b", "busybox",
    ]);
    expect(parsed.options).toMatchObject({
      volume: ["/a:/a", "/b:/b:ro"],
      tmpfs: ["/run", "/tmp:size=1m"],
      capAdd: ["NET_ADMIN", "SYS_TIME"],
      capDrop: ["ALL"],
      securityOpt: ["no-new-privileges"],
      mount: ["type=tmpfs,target=/x"],
      label: ["a=1", "b"],
    });
  });

  it("reads combined shorts: -it, -dit, -itd", () => {
    expect(parseCommandLine(runSpec, ["-it", "busybox"]).options).toMatchObject({ interactive: true, tty: true, detach: false });
    expect(parseCommandLine(runSpec, ["-dit", "busybox"]).options).toMatchObject({ interactive: true, tty: true, detach: true });
    expect(parseCommandLine(runSpec, ["-itd", "--rm", "busybox"]).options).toMatchObject({ interactive: true, tty: true, detach: true, rm: true });
  });

  it("gives -h to --hostname and -c to --cpu-shares, and keeps --help", () => {
    expect(parseCommandLine(runSpec, ["-h", "box", "-c", "512", "busybox"]).options).toMatchObject({ hostname: "box", cpuShares: "512" });
    expect(parseCommandLine(runSpec, ["--help"]).isHelpRequested).toBe(true);
    expect(parseCommandLine(createSpec, ["-h", "box", "busybox"]).options.hostname).toBe("box");
  });
});

describe("toCreateOptions", () => {
  it("passes values as typed, for the engine to check", async () => {
    const options = await createOptionsFor([
      "--name", "web", "-m", "10zz", "--memory-swap", "-1", "--cpus", "1.5", "-c", "x", "--pids-limit", "64", "--stop-timeout", "3",
      "--restart", "on-failure:3", "--stop-signal", "SIGINT", "-u", "1000:1000", "-w", "/srv", "--entrypoint", "", "--init",
      "--read-only", "--privileged", "--shm-size", "128m", "--oom-score-adj", "500", "busybox", "httpd", "-f",
    ]);
    expect(options).toMatchObject({
      image: "busybox", cmd: ["httpd", "-f"], name: "web", memory: "10zz", memorySwap: "-1", cpus: "1.5", cpuShares: "x",
      pidsLimit: "64", stopTimeout: "3", restart: "on-failure:3", stopSignal: "SIGINT", user: "1000:1000", workingDir: "/srv",
      entrypoint: "", init: true, readOnly: true, privileged: true, shmSize: "128m", oomScoreAdj: "500", detach: false,
    });
    expect((await createOptionsFor(["busybox"])).cmd).toBeUndefined();
  });

  it("resolves -e NAME from berth's environment, keeping NAME=value and unknown names as given", async () => {
    const options = await createOptionsFor(["-e", "A=1", "-e", "HOME", "--env", "NOPE", "-e", "B=", "busybox"], { HOME: "/root" });
    expect(options.env).toEqual(["A=1", "HOME=/root", "NOPE", "B="]);
    await expect(createOptionsFor(["-e", "=x", "busybox"])).rejects.toThrow(
      'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x',
    );
  });

  it("reads --env-file files relative to the working directory, before the -e flags", async () => {
    writeFileSync(join(dir, "one.env"), "# comment\nA=from file\nUSER\nGONE\n\nB=2\n");
    writeFileSync(join(dir, "two.env"), "A=second\n");
    const options = await createOptionsFor(["--env-file", "one.env", "-e", "C=3", "--env-file", join(dir, "two.env"), "busybox"], { USER: "me" });
    expect(options.env).toEqual(["A=from file", "USER=me", "B=2", "A=second", "C=3"]);
    await expect(createOptionsFor(["--env-file", "missing.env", "busybox"])).rejects.toThrow("open missing.env: no such file or directory");
  });

  it("turns -l into the label map and reads --label-file", async () => {
    writeFileSync(join(dir, "labels"), "team=core\n");
    const options = await createOptionsFor(["-l", "a=1", "-l", "flag", "--label-file", "labels", "busybox"]);
    expect(options.labels).toEqual({ a: "1", flag: "" });
    expect(options.labelFiles).toEqual(["team=core\n"]);
  });
});
