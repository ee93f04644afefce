import { describe, expect, it } from "vitest";
import { runCli } from "./main.js";
import { createCapturedProcess } from "./test-support/captured-process.js";

/** None of these command lines may open the engine. */
const noEngine = () => Promise.reject(new Error("the engine must not be opened"));

async function run(words: string[]) {
  const { proc, stdout, stderr } = createCapturedProcess();
  const status = await runCli(words, proc, noEngine);
  return { status, stdout: stdout.text(), stderr: stderr.text() };
}

describe("runCli", () => {
  it("prints the root help for no command and --help", async () => {
    for (const words of [[], ["--help"], ["help"]]) {
      const result = await run(words);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("Usage:  berth [OPTIONS] COMMAND");
      expect(result.stdout).toMatch(/\n {2}images +List images\n/);
      expect(result.stdout).toMatch(/\n {2}image +Manage images\n/);
    }
  });

  it("prints a command's help without running it", async () => {
    for (const words of [["images", "--help"], ["help", "image", "ls"], ["image", "ls", "-h"]]) {
      const result = await run(words);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain("List images");
      expect(result.stdout).toContain("  -a, --all ");
    }
  });

  it("prints a management command's verbs", async () => {
    const result = await run(["image"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/\n {2}ls +List images\n/);
    expect(result.stdout).not.toContain("list ");
  });

  it("lists container verbs but not the monitor's plumbing", async () => {
    const result = await run(["container", "--help"]);
    expect(result.stdout).toMatch(/\n {2}run +Create a container from an image and run it\n/);
    expect(result.stdout).not.toContain("cleanup");
    expect((await run(["--help"])).stdout).toMatch(/\n {2}ps +List containers\n/);
  });

  it("answers version and --version without the engine", async () => {
    const version = await run(["version"]);
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^Version: +\d+\.\d+\.\d+\nGit commit: +\S+\nNode version: +v\d+/);
    const short = await run(["--version"]);
    expect(short.stdout).toMatch(/^berth version \d+\.\d+\.\d+, build \S+\n$/);
  });

  it("refuses unknown commands, flags and operand counts with exit status 125", async () => {
    expect(await run(["frobnicate"])).toEqual({
      status: 125,
      stdout: "",
      stderr: "berth: 'frobnicate' is not a berth command.\nSee 'berth --help'\n",
    });
    expect(await run(["image", "frobnicate"])).toMatchObject({ status: 125, stderr: expect.stringContaining("unknown command: berth image frobnicate") });
    expect(await run(["images", "--bogus"])).toEqual({
      status: 125,
      stdout: "",
      stderr:
        "unknown flag: --bogus\n\nUsage:  berth images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'berth images --help' for more information\n",
    });
    expect(await run(["tag", "onlyone"])).toMatchObject({
      status: 125,
      stderr: expect.stringMatching(/^berth: 'berth tag' requires 2 arguments\n\nUsage: {2}berth tag SOURCE_IMAGE/),
    });
    expect(await run(["--bogus"])).toMatchObject({ status: 125, stderr: "unknown flag: --bogus\nSee 'berth --help'.\n" });
  });

  it("reports errors a command throws before it needs the engine", async () => {
    const { proc, stderr } = createCapturedProcess();
    const status = await runCli(["images", "-f", "nonsense"], proc, noEngine);
    expect(status).toBe(1);
    expect(stderr.text()).toBe("Error: bad format of filter (expected name=value): nonsense\n");
  });
});
