import { describe, expect, it } from "vitest";
import type { ContainerExecOptions, ContainerStatsOptions } from "@berth/core";
import { runCli } from "../../main.js";
import { createCapturedProcess } from "../../test-support/captured-process.js";
import { createFakeService, type FakeServiceParts } from "../../test-support/fake-service.js";

async function berth(words: string[], parts: FakeServiceParts, stdin?: string) {
  const { proc, stdout, stderr } = createCapturedProcess({ env: { FROM_CALLER: "x" }, ...(stdin === undefined ? {} : { stdin }) });
  const status = await runCli(words, proc, createFakeService(parts));
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

describe("exec", () => {
  it("hands the command (its own flags included) and exec's flags to the service, and exits with its code", async () => {
    const calls: Array<[string, ContainerExecOptions, boolean]> = [];
    const parts: FakeServiceParts = {
      containers: {
        exec: async (name, options, streams) => {
          calls.push([name, options, streams?.stdin !== undefined]);
          streams?.stdout(Buffer.from("out\n"));
          return options.detach ? undefined : 3;
        },
      },
    };
    expect(await berth(["exec", "-e", "A=1", "-e", "FROM_CALLER", "-u", "app:staff", "-w", "/srv", "--privileged", "web", "ls", "-l", "/"], parts)).toEqual({
      status: 3, stdout: "out\n", stderr: "",
    });
    expect(await berth(["container", "exec", "-d", "web", "sleep", "9"], parts)).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(await berth(["exec", "-i", "web", "cat"], parts, "data")).toMatchObject({ status: 3 });
    expect(calls).toEqual([
      ["web", { cmd: ["ls", "-l", "/"], detach: false, interactive: false, tty: false, env: ["A=1", "FROM_CALLER=x"], privileged: true, user: "app:staff", workingDir: "/srv" }, false],
      ["web", { cmd: ["sleep", "9"], detach: true, interactive: false, tty: false, env: [], privileged: false }, false],
      ["web", { cmd: ["cat"], detach: false, interactive: true, tty: false, env: [], privileged: false }, true],
    ]);
  });

  it("refuses a missing command and -it without a terminal", async () => {
    expect(await berth(["exec", "web"], {})).toMatchObject({ status: 125, stderr: expect.stringContaining("'berth exec' requires at least 2 arguments") });
    expect(await berth(["exec", "-it", "web", "sh"], {})).toEqual({ status: 1, stdout: "", stderr: "the input device is not a TTY\n" });
  });
});

describe("top", () => {
  it("passes ps options through and prints docker's 20-wide columns", async () => {
    const parts: FakeServiceParts = {
      containers: {
        top: async (name, psArgs) => {
          expect([name, psArgs]).toEqual(["web", ["-o", "pid,comm"]]);
          return { titles: ["PID", "COMMAND"], processes: [["4242", "sleep"]] };
        },
      },
    };
    expect(await berth(["top", "web", "-o", "pid,comm"], parts)).toEqual({ status: 0, stdout: "PID                 COMMAND\n4242                sleep\n", stderr: "" });
  });
});

describe("stats", () => {
  it("asks for one set with --no-stream and renders it with --format", async () => {
    const calls: ContainerStatsOptions[] = [];
    const parts: FakeServiceParts = {
      containers: {
        stats: async function* (options) {
          calls.push(options);
          yield [{ id: "f".repeat(64), name: "web", isRunning: true, cpuPercent: 1, memoryUsage: 1024, memoryLimit: 2048, memoryPercent: 50, netRx: 0, netTx: 0, blockRead: 0, blockWrite: 0, pids: 2 }];
        },
      },
    };
    expect(await berth(["stats", "--no-stream", "-a", "--format", "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.MemPerc}}"], parts)).toEqual({
      status: 0, stdout: "web 1.00% 1KiB / 2KiB 50.00%\n", stderr: "",
    });
    expect(calls).toEqual([{ containers: [], all: true, stream: false }]);
  });
});
