import { describe, expect, it } from "vitest";
import { BerthError, type AttachStreams, type ContainerCreateOptions } from "@berth/core";
import { runCli } from "../../main.js";
import { createCapturedProcess } from "../../test-support/captured-process.js";
import { createFakeService, type FakeServiceParts } from "../../test-support/fake-service.js";

const id = "f".repeat(64);

async function berth(words: string[], parts: FakeServiceParts, setup: Parameters<typeof createCapturedProcess>[0] = {}) {
  const { proc, stdout, stderr } = createCapturedProcess(setup);
  const status = await runCli(words, proc, createFakeService(parts));
  return { status, stdout: stdout.text(), stderr: stderr.text(), proc };
}

/** A container service whose create records its options and whose start runs `process`. */
function recording(process: (streams: AttachStreams | undefined) => Promise<number | undefined> = async () => 0) {
  const created: ContainerCreateOptions[] = [];
  const started: string[] = [];
  const parts: FakeServiceParts = {
    containers: {
      create: async (options) => {
        created.push(options);
        return { id, warnings: [] };
      },
      start: async (name, streams) => {
        started.push(name);
        return process(streams);
      },
    },
  };
  return { parts, created, started };
}

describe("run", () => {
  it("creates, starts attached and exits with the container's code, output kept apart", async () => {
    const fake = recording(async (streams) => {
      streams!.stdout(Buffer.from("out\n"));
      streams!.stderr(Buffer.from("err\n"));
      return 7;
    });
    const result = await berth(["run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"], fake.parts);
    expect(result).toMatchObject({ status: 7, stdout: "out\n", stderr: "err\n" });
    expect(fake.created[0]).toMatchObject({ image: "busybox", cmd: ["sh", "-c", "echo out; echo err >&2; exit 7"], autoRemove: true, detach: false });
    expect(fake.started).toEqual([id]);
  });

  it("returns 126 and 127 as the container's own codes", async () => {
    expect((await berth(["run", "busybox", "nosuchcmd"], recording(async () => 127).parts)).status).toBe(127);
    expect((await berth(["run", "busybox", "/etc"], recording(async () => 126).parts)).status).toBe(126);
  });

  it("with -d prints the full id once started, attaching nothing", async () => {
    const fake = recording(async (streams) => {
      expect(streams).toBeUndefined();
      return undefined;
    });
    const result = await berth(["run", "-d", "--name", "web", "busybox", "sleep", "100"], fake.parts);
    expect(result).toMatchObject({ status: 0, stdout: `${id}\n`, stderr: "" });
    expect(fake.created[0]).toMatchObject({ name: "web", detach: true, cmd: ["sleep", "100"] });
  });

  it("passes stdin with -i", async () => {
    const fake = recording(async (streams) => {
      const chunks: Buffer[] = [];
      for await (const chunk of streams!.stdin!) chunks.push(Buffer.from(chunk));
      streams!.stdout(Buffer.concat(chunks));
      return 0;
    });
    const result = await berth(["run", "-i", "busybox", "cat"], fake.parts, { stdin: "data\n" });
    expect(result).toMatchObject({ status: 0, stdout: "data\n" });
    expect(fake.created[0]).toMatchObject({ openStdin: true, tty: false });
  });

  it("with -it puts the terminal in raw mode, forwards its size, and restores it", async () => {
    const modes: boolean[] = [];
    const sizes: unknown[] = [];
    const fake = recording(async (streams) => {
      expect(modes).toEqual([true]);
      sizes.push(streams!.size);
      setImmediate(() => {
        Object.assign(proc.stdout, { rows: 41, columns: 101 });
        proc.stdout.emit("resize");
      });
      for await (const size of streams!.resize!) {
        sizes.push(size);
        break;
      }
      throw new BerthError("INTERNAL", "lost the pty");
    });
    const { proc, stdout, stderr } = createCapturedProcess();
    Object.assign(proc.stdin, { isTTY: true, setRawMode: (mode: boolean) => modes.push(mode) });
    Object.assign(proc.stdout, { isTTY: true, rows: 40, columns: 100 });
    const status = await runCli(["run", "-it", "busybox", "sh"], proc, createFakeService(fake.parts));
    expect({ status, stdout: stdout.text(), stderr: stderr.text() }).toEqual({ status: 125, stdout: "", stderr: "Error: lost the pty\n" });
    expect(modes).toEqual([true, false]);
    expect(sizes).toEqual([{ rows: 40, cols: 100 }, { rows: 41, cols: 101 }]);
    expect(fake.created[0]).toMatchObject({ tty: true, openStdin: true });
  });

  it("detaches on the detach keys with -it: stdin ends, start gives no code, berth exits 0", async () => {
    let wasDetached = false;
    const fake = recording(async (streams) => {
      const typed: string[] = [];
      for await (const chunk of streams!.stdin!) typed.push(Buffer.from(chunk).toString());
      wasDetached = streams!.detach!.aborted;
      streams!.stdout(Buffer.from(typed.join("")));
      return undefined;
    });
    const { proc, stdout } = createCapturedProcess({ stdin: "ls\r\x01xy" });
    Object.assign(proc.stdin, { isTTY: true, setRawMode: () => proc.stdin });
    const status = await runCli(["run", "-it", "--detach-keys", "ctrl-a,x", "busybox", "sh"], proc, createFakeService(fake.parts));
    expect({ status, stdout: stdout.text(), wasDetached }).toEqual({ status: 0, stdout: "ls\r", wasDetached: true });
  });

  it("refuses -it when stdin is not a terminal, before creating anything", async () => {
    const fake = recording();
    const result = await berth(["run", "-it", "busybox", "sh"], fake.parts, { stdin: "x" });
    expect(result).toMatchObject({ status: 1, stdout: "", stderr: "the input device is not a TTY\n" });
    expect(fake.created).toEqual([]);
  });

  it("exits 125 when berth fails before the process starts", async () => {
    const parts: FakeServiceParts = {
      containers: {
        create: async () => {
          throw new BerthError("CONFLICT", 'Conflict. The container name "/web" is already in use');
        },
      },
    };
    const result = await berth(["run", "--name", "web", "busybox"], parts);
    expect(result).toMatchObject({ status: 125, stderr: 'Error: Conflict. The container name "/web" is already in use\n' });
    const invalid = await berth(["run", "-m", "10zz", "busybox"], {
      containers: {
        create: async (options) => {
          throw new BerthError("INVALID_ARGUMENT", `invalid argument "${options.memory}" for "-m, --memory" flag: invalid size: '10zz'`);
        },
      },
    });
    expect(invalid).toMatchObject({ status: 125, stderr: `Error: invalid argument "10zz" for "-m, --memory" flag: invalid size: '10zz'\n` });
  });

  it("says it cannot find a missing image locally, and never pulls", async () => {
    const parts: FakeServiceParts = {
      containers: {
        create: async () => {
          throw new BerthError("NOT_FOUND", "No such image: localhost/nothing:latest");
        },
      },
      images: {
        inspect: async () => {
          throw new BerthError("NOT_FOUND", "No such image: localhost/nothing:latest");
        },
      },
    };
    const result = await berth(["run", "localhost/nothing"], parts);
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/^Unable to find image 'localhost\/nothing:latest' locally\nError: cannot pull localhost\/nothing:latest: .*\nHint: /);
    const never = await berth(["run", "--pull=never", "localhost/nothing"], parts);
    expect(never).toMatchObject({ status: 125, stderr: "Error: No such image: localhost/nothing:latest\n" });
    const bad = await berth(["run", "--pull=sometimes", "busybox"], parts);
    expect(bad).toMatchObject({ status: 125, stderr: 'Error: invalid pull option: \'sometimes\': must be one of "always", "missing" or "never"\n' });
  });

  it("passes a NOT_FOUND that is not about the image through as it is", async () => {
    const parts: FakeServiceParts = {
      containers: {
        create: async () => {
          throw new BerthError("NOT_FOUND", "No such volume: x");
        },
      },
      images: { inspect: async () => ({ Id: "sha256:x" }) },
    };
    expect(await berth(["run", "busybox"], parts)).toMatchObject({ status: 125, stderr: "Error: No such volume: x\n" });
  });

  it("prints the engine's warnings", async () => {
    const parts: FakeServiceParts = { containers: { create: async () => ({ id, warnings: ["Your kernel does not support swap limit capabilities."] }) } };
    const result = await berth(["create", "busybox"], parts);
    expect(result).toEqual({
      status: 0,
      stdout: `${id}\n`,
      stderr: "WARNING: Your kernel does not support swap limit capabilities.\n",
      proc: expect.anything(),
    });
  });

  it("refuses a missing image operand with docker's usage error", async () => {
    const result = await berth(["run", "-d"], {});
    expect(result.status).toBe(125);
    expect(result.stderr).toMatch(/^berth: 'berth run' requires at least 1 argument\n\nUsage: {2}berth run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]/);
  });
});
