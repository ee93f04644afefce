import { describe, expect, it } from "vitest";
import type { VolumeCreateOptions, VolumePruneOptions, VolumeSummary } from "@berth/core";
import { runCli } from "../../main.js";
import { createCapturedProcess } from "../../test-support/captured-process.js";
import { createFakeService, type FakeServiceParts } from "../../test-support/fake-service.js";

// The volume commands' own part: flags to the service's options, docker's output and prompts.

async function berth(words: string[], parts: FakeServiceParts, input = "") {
  const { proc, stdout, stderr } = createCapturedProcess({ stdin: input });
  const status = await runCli(words, proc, createFakeService(parts));
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

const volume = (name: string, labels: Record<string, string> = {}): VolumeSummary => ({
  name, driver: "local", mountpoint: `/r/volumes/${name}/_data`, labels, options: {}, createdAt: new Date(0), anonymous: false, links: 0,
});

describe("volume create", () => {
  it("passes labels and driver options as maps and prints the name", async () => {
    const calls: VolumeCreateOptions[] = [];
    const parts: FakeServiceParts = { volumes: { create: async (options) => (calls.push(options!), options?.name || "f".repeat(64)) } };
    expect(await berth(["volume", "create", "--label", "a=1", "--label", "b", "-o", "type=tmpfs", "-o", "o=size=1m", "data"], parts)).toEqual({ status: 0, stdout: "data\n", stderr: "" });
    expect(calls[0]).toEqual({ name: "data", driver: "local", labels: { a: "1", b: "" }, options: { type: "tmpfs", o: "size=1m" } });
    expect((await berth(["volume", "create"], parts)).stdout).toBe(`${"f".repeat(64)}\n`);
    expect(await berth(["volume", "create", "--name", "x1", "x2"], parts)).toMatchObject({
      status: 1, stderr: "Error: conflicting options: either specify --name or provide positional arg, not both\n",
    });
    expect((await berth(["volume", "create", "--label", "=x", "v1"], parts)).stderr).toBe(`Error: invalid argument "=x" for "--label" flag: invalid label '=x': empty name\n`);
  });
});

describe("volume ls", () => {
  const parts: FakeServiceParts = { volumes: { list: async () => [volume("a1", { z: "1", b: "2" }), volume("b1")] } };

  it("prints docker's table, names with -q, and templates", async () => {
    expect((await berth(["volume", "ls"], parts)).stdout).toBe("DRIVER    VOLUME NAME\nlocal     a1\nlocal     b1\n");
    expect((await berth(["volume", "ls", "-q"], parts)).stdout).toBe("a1\nb1\n");
    expect((await berth(["volume", "ls", "--format", "{{.Name}}|{{.Labels}}|{{.Scope}}|{{.Links}}"], parts)).stdout).toBe("a1|b=2,z=1|local|N/A\nb1||local|N/A\n");
  });
});

describe("volume prune", () => {
  it("asks docker's question (anonymous only unless -a), and prunes only on y", async () => {
    const calls: Array<VolumePruneOptions | undefined> = [];
    const parts: FakeServiceParts = { volumes: { prune: async (options) => (calls.push(options), { deleted: ["v1"], spaceReclaimed: 2048 }) } };
    const anonymous = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ";
    expect(await berth(["volume", "prune"], parts, "n\n")).toEqual({ status: 0, stdout: anonymous, stderr: "" });
    expect(calls).toEqual([]);
    expect((await berth(["volume", "prune", "-a"], parts, "y\n")).stdout).toBe(
      "WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] Deleted Volumes:\nv1\n\nTotal reclaimed space: 2.048kB\n",
    );
    expect(calls).toEqual([{ all: true, filters: {} }]);
    expect((await berth(["volume", "prune", "-a", "-f", "--filter", "all=1"], parts)).stderr).toBe("Error: conflicting options: cannot specify both --all and --filter all=1\n");
  });
});
