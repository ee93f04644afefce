import { describe, expect, it } from "vitest";
import { BerthError, type ContainerListOptions, type LogEntry, type LogOptions } from "@berth/core";
import { runCli } from "../../main.js";
import { createCapturedProcess } from "../../test-support/captured-process.js";
import { createFakeService, type FakeServiceParts } from "../../test-support/fake-service.js";

async function berth(words: string[], parts: FakeServiceParts) {
  const { proc, stdout, stderr } = createCapturedProcess();
  const status = await runCli(words, proc, createFakeService(parts));
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

const noSuchContainer = (name: string) => new BerthError("NOT_FOUND", `No such container: ${name}`);

describe("batch verbs", () => {
  it("print each name as given, go on past failures, and exit 1 if any failed", async () => {
    const calls: unknown[] = [];
    const parts: FakeServiceParts = {
      containers: {
        stop: async (name, options) => {
          calls.push([name, options]);
          if (name === "gone") throw noSuchContainer(name);
        },
      },
    };
    expect(await berth(["stop", "-t", "0", "-s", "INT", "a", "gone", "b"], parts)).toEqual({
      status: 1,
      stdout: "a\nb\n",
      stderr: "Error: No such container: gone\n",
    });
    expect(calls).toEqual([["a", { timeout: 0, signal: "INT" }], ["gone", { timeout: 0, signal: "INT" }], ["b", { timeout: 0, signal: "INT" }]]);
    expect(await berth(["container", "stop", "a"], parts)).toEqual({ status: 0, stdout: "a\n", stderr: "" });
  });

  it("pass each verb's flags to the service", async () => {
    const calls: unknown[] = [];
    const record = (verb: string) => async (...args: unknown[]) => void calls.push([verb, ...args]);
    const parts: FakeServiceParts = {
      containers: {
        kill: record("kill"),
        pause: record("pause"),
        unpause: record("unpause"),
        restart: record("restart"),
        remove: record("remove"),
        cleanup: record("cleanup"),
        start: async (name) => {
          calls.push(["start", name]);
          return undefined;
        },
      },
    };
    for (const words of [["kill", "-s", "HUP", "a"], ["kill", "a"], ["pause", "a"], ["unpause", "a"], ["restart", "-t", "3", "a"], ["rm", "-fv", "a"], ["container", "remove", "a"], ["start", "a", "b"], ["container", "cleanup", "a"]]) {
      expect((await berth(words, parts)).status, words.join(" ")).toBe(0);
    }
    expect(calls).toEqual([
      ["kill", "a", "HUP"],
      ["kill", "a", undefined],
      ["pause", "a"],
      ["unpause", "a"],
      ["restart", "a", { timeout: 3 }],
      ["remove", "a", { force: true, volumes: true }],
      ["remove", "a", { force: false, volumes: false }],
      ["start", "a"],
      ["start", "b"],
      ["cleanup", "a"],
    ]);
  });

  it("wait prints each exit code", async () => {
    const parts: FakeServiceParts = {
      containers: {
        wait: async (name) => {
          if (name === "gone") throw noSuchContainer(name);
          return name === "a" ? 0 : 137;
        },
      },
    };
    expect(await berth(["wait", "a", "gone", "b"], parts)).toEqual({ status: 1, stdout: "0\n137\n", stderr: "Error: No such container: gone\n" });
  });

  it("start -a attaches one container and exits with its code", async () => {
    const parts: FakeServiceParts = {
      containers: {
        inspect: async () => ({ Config: { Tty: false, OpenStdin: false } }),
        start: async (_name, streams) => {
          streams!.stdout(Buffer.from("hi\n"));
          expect(streams!.stdin).toBeUndefined();
          return 3;
        },
      },
    };
    expect(await berth(["start", "-ai", "job"], parts)).toEqual({ status: 3, stdout: "hi\n", stderr: "" });
    expect(await berth(["start", "-a", "x", "y"], parts)).toMatchObject({
      status: 1,
      stderr: "Error: you cannot start and attach multiple containers at once\n",
    });
  });
});

describe("ps", () => {
  const listed: ContainerListOptions[] = [];
  const parts: FakeServiceParts = {
    containers: {
      list: async (options) => {
        listed.push(options!);
        return [
          {
            id: "a".repeat(64), name: "web", image: "busybox", imageId: "sha256:x", command: "httpd -f", created: new Date(),
            state: "running", status: "Up 2 seconds", exitCode: 0, labels: {}, ports: "0.0.0.0:9020->8000/tcp",
          },
        ];
      },
    },
  };

  it("prints docker's table, or ids with -q", async () => {
    const table = await berth(["ps"], parts);
    expect(table.stdout).toMatch(/^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES\naaaaaaaaaaaa +busybox +"httpd -f" +Less than a second ago +Up 2 seconds +0\.0\.0\.0:9020->8000\/tcp +web\n$/);
    expect((await berth(["container", "ls", "-q", "--no-trunc"], parts)).stdout).toBe(`${"a".repeat(64)}\n`);
    expect((await berth(["ps", "--format", "{{.Names}} {{.Status}}"], parts)).stdout).toBe("web Up 2 seconds\n");
  });

  it("turns -a, -n, -l, -s and -f into list options", async () => {
    listed.length = 0;
    for (const words of [["ps"], ["ps", "-a"], ["ps", "-n", "3"], ["ps", "-l"], ["ps", "-s", "-f", "status=exited", "-f", "name=web"], ["ps", "--format", "{{.Size}}"]]) {
      await berth(words, parts);
    }
    expect(listed).toEqual([
      { all: false, size: false, filters: {} },
      { all: true, size: false, filters: {} },
      { all: false, size: false, filters: {}, last: 3 },
      { all: false, size: false, filters: {}, last: 1 },
      { all: false, size: true, filters: { status: ["exited"], name: ["web"] } },
      { all: false, size: true, filters: {} },
    ]);
  });

  it("refuses a -n that is not a number as a usage error", async () => {
    expect(await berth(["ps", "-n", "x"], parts)).toMatchObject({
      status: 125,
      stderr: expect.stringMatching(/^invalid argument "x" for "-n, --last" flag: strconv\.ParseInt: parsing "x": invalid syntax\n/),
    });
  });
});

describe("logs", () => {
  const entries: LogEntry[] = [
    { stream: "stdout", time: new Date("2024-01-02T03:04:05.123Z"), timestamp: "2024-01-02T03:04:05.123456789Z", line: Buffer.from("out\n") },
    { stream: "stderr", time: new Date("2024-01-02T03:04:06Z"), timestamp: "2024-01-02T03:04:06.000000001Z", line: Buffer.from("err\n") },
  ];
  const asked: LogOptions[] = [];
  const parts: FakeServiceParts = {
    containers: {
      logs: async function* (_name, options) {
        asked.push(options!);
        yield* entries;
      },
    },
  };

  it("keeps stdout and stderr apart, and prefixes timestamps with -t", async () => {
    expect(await berth(["logs", "job"], parts)).toEqual({ status: 0, stdout: "out\n", stderr: "err\n" });
    expect(await berth(["logs", "-t", "job"], parts)).toEqual({
      status: 0,
      stdout: "2024-01-02T03:04:05.123456789Z out\n",
      stderr: "2024-01-02T03:04:06.000000001Z err\n",
    });
  });

  it("passes --tail (all or a count), --since and -f", async () => {
    asked.length = 0;
    await berth(["logs", "--tail", "2", "-f", "--since", "2024-01-01T00:00:00Z", "job"], parts);
    await berth(["logs", "-n", "all", "job"], parts);
    expect(asked[0]).toMatchObject({ tail: 2, follow: true, since: new Date("2024-01-01T00:00:00Z") });
    expect(asked[1]).toMatchObject({ tail: undefined, follow: false, since: undefined });
  });
});

describe("inspect", () => {
  const parts: FakeServiceParts = {
    containers: {
      inspect: async (name) => {
        if (name !== "web") throw noSuchContainer(name);
        return { Id: "c1", Name: "/web" };
      },
    },
    images: {
      inspect: async (name) => {
        if (name !== "busybox" && name !== "web") throw new BerthError("NOT_FOUND", `No such image: ${name}`);
        return { Id: `sha256:${name}` };
      },
    },
    volumes: {
      inspect: async (name) => {
        throw new BerthError("NOT_FOUND", `get ${name}: no such volume`);
      },
    },
  };

  it("looks up containers first, then images, like docker", async () => {
    const result = await berth(["inspect", "--format", "{{.Id}}", "web", "busybox", "nope"], parts);
    expect(result).toEqual({ status: 1, stdout: "c1\nsha256:busybox\n", stderr: "Error: No such object: nope\n" });
  });

  it("keeps to one kind with --type and in container inspect", async () => {
    expect((await berth(["inspect", "--type", "image", "-f", "{{.Id}}", "web"], parts)).stdout).toBe("sha256:web\n");
    expect(await berth(["inspect", "--type", "container", "busybox"], parts)).toEqual({ status: 1, stdout: "[]\n", stderr: "Error: No such container: busybox\n" });
    expect(await berth(["container", "inspect", "-f", "{{.Name}}", "web"], parts)).toEqual({ status: 0, stdout: "/web\n", stderr: "" });
    expect(await berth(["inspect", "--type", "volume", "x"], parts)).toEqual({ status: 1, stdout: "[]\n", stderr: "Error: No such volume: x\n" });
    expect(await berth(["inspect", "--type", "network", "x"], parts)).toMatchObject({ status: 1, stderr: 'Error: "network" is not a valid value for --type\n' });
  });
});
