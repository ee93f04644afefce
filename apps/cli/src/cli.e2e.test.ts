import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, useE2eRoot } from "./test-support/container-e2e.js";

const e2e = useE2eRoot("berth-cli-e2e-");
const berth = (args: string[]) => e2e.berth(args);

describe("berth without the engine", () => {
  it("prints its version", () => {
    const result = berth(["version"]);
    expect(result).toMatchObject({ status: 0, stderr: "" });
    expect(result.stdout).toMatch(/^Version: +\d+\.\d+\.\d+\nGit commit: +\S+\nNode version: +v\d+.*\nOS\/Arch: +linux\/\w+\n$/);
    expect(berth(["version", "--format", "{{.Version}}"]).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it("prints help", () => {
    const result = berth(["--help"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage:  berth [OPTIONS] COMMAND");
    expect(result.stdout).toMatch(/\n {2}rmi +Remove one or more images\n/);
    expect(berth(["images", "--help"]).stdout).toContain("Usage:  berth images [OPTIONS] [REPOSITORY[:TAG]]");
  });

  it("exits 125 with docker's words for an unknown command or flag", () => {
    expect(berth(["frobnicate"])).toEqual({
      status: 125,
      stdout: "",
      stderr: "berth: 'frobnicate' is not a berth command.\nSee 'berth --help'\n",
    });
    const flag = berth(["images", "--bogus"]);
    expect(flag.status).toBe(125);
    expect(flag.stderr).toBe(
      "unknown flag: --bogus\n\nUsage:  berth images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'berth images --help' for more information\n",
    );
    expect(berth(["rmi"]).status).toBe(125);
  });
});

describe("berth with the engine", () => {
  let imageId: string;

  function rootfsTar(): string {
    const tree = join(e2e.workDir, "rootfs");
    mkdirSync(join(tree, "etc"), { recursive: true });
    writeFileSync(join(tree, "etc/hello"), "hello from an imported layer\n");
    const archive = join(e2e.workDir, "rootfs.tar");
    execFileSync("tar", ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "-cf", archive, "-C", tree, "."]);
    return archive;
  }

  it("imports a tarball and prints the new image id", () => {
    const result = berth(["import", "-c", 'CMD ["/bin/sh"]', "-m", "e2e", rootfsTar(), "localhost/e2e:1"]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    imageId = result.stdout.trim();
  });

  it("lists it under docker's columns", () => {
    const result = berth(["images", "localhost/e2e"]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
    expect(lines[1]).toMatch(new RegExp(`^localhost/e2e +1 +${imageId.slice(7, 19)} +\\S.* ago +\\d+(\\.\\d+)?k?B$`));
    expect(lines).toHaveLength(2);
  });

  it("tags it, one row per tag, one id with -q", () => {
    expect(berth(["tag", "localhost/e2e:1", "localhost/e2e:2"])).toMatchObject({ status: 0, stdout: "", stderr: "" });
    const rows = berth(["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "localhost/e2e"]).stdout;
    expect(rows.trimEnd().split("\n").sort()).toEqual([
      `localhost/e2e:1 ${imageId.slice(7, 19)}`,
      `localhost/e2e:2 ${imageId.slice(7, 19)}`,
    ]);
    expect(berth(["images", "-q", "--no-trunc", "localhost/e2e"]).stdout).toBe(`${imageId}\n`);
  });

  it("saves the same bytes with -o and to stdout, leaves no file for an unknown image, and loads them back", () => {
    const both = ["localhost/e2e:1", "localhost/e2e:2"];
    expect(berth(["save", "-o", "saved.tar", ...both])).toEqual({ status: 0, stdout: "", stderr: "" });
    const piped = spawnSync(bin, ["save", ...both], { cwd: e2e.workDir, env: e2e.env(), maxBuffer: 64 << 20 });
    expect(piped.status).toBe(0);
    expect(piped.stdout.equals(readFileSync(join(e2e.workDir, "saved.tar")))).toBe(true);
    expect(berth(["save", "-o", "refused.tar", "localhost/e2e:1", "localhost/nope"])).toMatchObject({ status: 1, stderr: "Error: No such image: localhost/nope:latest\n" });
    expect(readdirSync(e2e.workDir).filter((name) => name.includes("refused"))).toEqual([]);
    expect(berth(["rmi", ...both]).status).toBe(0);
    expect(berth(["load", "-i", "saved.tar"])).toEqual({ status: 0, stdout: "Loaded image: localhost/e2e:1\nLoaded image: localhost/e2e:2\n", stderr: "" });
    expect(berth(["images", "-q", "--no-trunc", "localhost/e2e"]).stdout).toBe(`${imageId}\n`);
  });

  it("untags, then deletes with the last tag", () => {
    expect(berth(["rmi", "localhost/e2e:1"])).toMatchObject({ status: 0, stdout: "Untagged: localhost/e2e:1\n" });
    const result = berth(["rmi", "localhost/e2e:2"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Untagged: localhost/e2e:2\nDeleted: ${imageId}\n`));
    expect(berth(["images", "-q", "localhost/e2e"]).stdout).toBe("");
  });

  it("reports a missing image, continuing past it, and exits 1", () => {
    const result = berth(["rmi", "localhost/e2e:gone", "localhost/also-gone"]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^Error: .*localhost\/e2e:gone.*\nError: .*localhost\/also-gone/);
  });
});
