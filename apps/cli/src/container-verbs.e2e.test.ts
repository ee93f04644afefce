import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { baseImageArchive, bin, useE2eRoot } from "./test-support/container-e2e.js";

// The container verbs beyond the lifecycle as a user runs them: rename, volumes, prune, rmi
// rules, exec/attach/top/stats, diff/export/cp, build and commit, through the real bin/berth in a
// fresh root (test-support/container-e2e.ts). Missing images are `localhost/…` names.

const e2e = useE2eRoot("berth-cli-container-verbs-");
const { berth } = e2e;

describe("rename", () => {
  it("renames a running container; refuses a taken name and an unknown container like docker", () => {
    expect(berth(["run", "-d", "--name", "e2e-old", "busybox", "sleep", "300"]).status).toBe(0);
    expect(berth(["create", "--name", "e2e-taken", "busybox", "true"]).status).toBe(0);
    expect(berth(["rename", "e2e-old", "e2e-new"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["ps", "--format", "{{.Names}} {{.State}}", "-f", "name=e2e-new"]).stdout).toBe("e2e-new running\n");
    const taken = berth(["rename", "e2e-new", "e2e-taken"]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toMatch(/^Error: Error when allocating new name: Conflict\. The container name "\/e2e-taken" is already in use by container "[0-9a-f]{64}"\./);
    expect(berth(["rename", "e2e-nope", "e2e-x"])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: e2e-nope\n" });
    expect(berth(["rename", "e2e-new"]).status).toBe(125);
    expect(berth(["rm", "-f", "e2e-new", "e2e-taken"]).status).toBe(0);
  }, 300_000);
});

describe("volumes", () => {
  it("creates, lists, inspects and removes volumes with docker's output", () => {
    expect(berth(["volume", "create", "--label", "tier=db", "e2e-data"])).toEqual({ status: 0, stdout: "e2e-data\n", stderr: "" });
    expect(berth(["volume", "ls"]).stdout).toBe("DRIVER    VOLUME NAME\nlocal     e2e-data\n");
    expect(berth(["volume", "ls", "-q", "-f", "label=tier=db"]).stdout).toBe("e2e-data\n");
    expect(berth(["volume", "ls", "--format", "{{.Name}} {{.Labels}} {{.Mountpoint}}"]).stdout).toBe(`e2e-data tier=db ${e2e.root}/volumes/e2e-data/_data\n`);
    const inspect = berth(["volume", "inspect", "e2e-data"]);
    expect(JSON.parse(inspect.stdout)).toEqual([{
      CreatedAt: expect.any(String), Driver: "local", Labels: { tier: "db" }, Mountpoint: `${e2e.root}/volumes/e2e-data/_data`, Name: "e2e-data", Options: {}, Scope: "local",
    }]);
    expect(berth(["inspect", "--format", "{{.Driver}}", "e2e-data"]).stdout).toBe("local\n");
    expect(berth(["volume", "inspect", "e2e-nope"])).toEqual({ status: 1, stdout: "[]\n", stderr: "Error: No such volume: e2e-nope\n" });
    const bad = berth(["volume", "create", "-o", "bogus=1", "e2e-bad"]);
    expect(bad).toEqual({ status: 1, stdout: "", stderr: 'Error: create e2e-bad: invalid option: "bogus"\n' });

    expect(berth(["run", "--rm", "-v", "e2e-data:/etc", "busybox", "cat", "/etc/passwd"]).stdout).toContain("root:x:0:0");
    expect(berth(["run", "-d", "--name", "e2e-user", "-v", "e2e-data:/data", "busybox", "sleep", "300"]).status).toBe(0);
    const inUse = berth(["volume", "rm", "e2e-data"]);
    expect(inUse.status).toBe(1);
    expect(inUse.stderr).toMatch(/^Error: remove e2e-data: volume is in use - \[[0-9a-f]{64}\]\n$/);
    expect(berth(["rm", "-f", "e2e-user"]).status).toBe(0);
    expect(berth(["volume", "rm", "e2e-data", "e2e-nope"])).toEqual({ status: 1, stdout: "e2e-data\n", stderr: "Error: get e2e-nope: no such volume\n" });
    expect(berth(["volume", "rm", "-f", "e2e-nope"])).toEqual({ status: 0, stdout: "e2e-nope\n", stderr: "" });
  }, 300_000);

  it("prunes anonymous volumes after asking, all unused ones with -a", () => {
    const id = berth(["create", "-v", "/anon", "busybox", "true"]).stdout.trim();
    expect(berth(["volume", "create", "e2e-named"]).status).toBe(0);
    expect(berth(["rm", id]).status).toBe(0);
    const anonymous = berth(["volume", "ls", "-q", "-f", "dangling=true"]).stdout.split("\n").filter((name) => /^[0-9a-f]{64}$/.test(name));
    expect(anonymous).toHaveLength(1);
    const warning = "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ";
    expect(berth(["volume", "prune"], { input: "n\n" })).toEqual({ status: 0, stdout: warning, stderr: "" });
    expect(berth(["volume", "prune"], { input: "y\n" })).toEqual({
      status: 0, stdout: `${warning}Deleted Volumes:\n${anonymous[0]}\n\nTotal reclaimed space: 0B\n`, stderr: "",
    });
    expect(berth(["volume", "prune", "-a", "-f"]).stdout).toBe("Deleted Volumes:\ne2e-named\n\nTotal reclaimed space: 0B\n");
    expect(berth(["volume", "ls", "-q"]).stdout).toBe("");
  }, 300_000);
});

describe("container prune, system prune and system df", () => {
  it("prunes stopped containers after asking, and counts containers and volumes in system df", () => {
    const exited = berth(["run", "-v", "/scratch", "busybox", "sh", "-c", "echo 12345 > /scratch/f; echo 123 > /f"]);
    expect(exited.status).toBe(0);
    const stopped = berth(["ps", "-aq", "--no-trunc", "-f", "status=exited"]).stdout.trim();
    expect(stopped).toMatch(/^[0-9a-f]{64}$/);
    expect(berth(["run", "-d", "--name", "e2e-keep", "busybox", "sleep", "300"]).status).toBe(0);
    const df = berth(["system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}"]).stdout;
    expect(df).toMatch(/^Images 1 1 \S+ 0B \(0%\)\nContainers 2 1 4B 4B \(100%\)\nLocal Volumes 1 1 6B 0B \(0%\)\n$/);
    expect(berth(["system", "df", "-v"]).stdout).toMatch(/\nContainers space usage:\n\nCONTAINER ID +IMAGE +COMMAND +LOCAL VOLUMES +SIZE +CREATED +STATUS +NAMES\n/);

    const warning = "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ";
    expect(berth(["container", "prune"], { input: "no\n" })).toEqual({ status: 0, stdout: warning, stderr: "" });
    expect(berth(["ps", "-aq", "--no-trunc", "-f", "status=exited"]).stdout.trim()).toBe(stopped);
    expect(berth(["container", "prune", "-f", "--filter", "until=1h"]).stdout).toBe("Total reclaimed space: 0B\n");
    expect(berth(["container", "prune"], { input: "y\n" })).toEqual({
      status: 0, stdout: `${warning}Deleted Containers:\n${stopped}\n\nTotal reclaimed space: 4B\n`, stderr: "",
    });

    const systemWarning = "WARNING! This will remove:\n  - all stopped containers\n  - all anonymous volumes not used by at least one container\n  - all dangling images\n\nAre you sure you want to continue? [y/N] ";
    expect(berth(["system", "prune", "--volumes"], { input: "\n" })).toEqual({ status: 0, stdout: systemWarning, stderr: "" });
    expect(berth(["stop", "-t", "0", "e2e-keep"]).status).toBe(0);
    const pruned = berth(["system", "prune", "--volumes", "-f"]);
    expect(pruned.status).toBe(0);
    expect(pruned.stdout).toMatch(/^Deleted Containers:\n[0-9a-f]{64}\n\nDeleted Volumes:\n[0-9a-f]{64}\n\nTotal reclaimed space: 6B\n$/);
    expect(berth(["images", "-q"]).stdout).not.toBe(""); // dangling images only: busybox stays
  }, 300_000);
});

describe("rmi and containers", () => {
  it("refuses the last name of a used image without -f, and with -f deletes what only a stopped container uses", () => {
    expect(berth(["tag", "busybox", "localhost/e2e-rmi:1"]).status).toBe(0);
    const id = berth(["create", "localhost/e2e-rmi:1", "echo", "still here"]).stdout.trim();
    // another name is left: only this one goes
    expect(berth(["rmi", "busybox"])).toEqual({ status: 0, stdout: "Untagged: busybox:latest\n", stderr: "" });
    const refused = berth(["rmi", "localhost/e2e-rmi:1"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^Error: conflict: unable to remove repository reference "localhost\/e2e-rmi:1" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}\n$/);
    const forced = berth(["rmi", "-f", "localhost/e2e-rmi:1"]);
    expect(forced.stdout).toMatch(/^Untagged: localhost\/e2e-rmi:1\nDeleted: sha256:[0-9a-f]{64}\n$/);
    expect(berth(["images", "-aq"]).stdout).toBe("");
    expect(berth(["ps", "-a", "--format", "{{.Image}}", "-f", `id=${id}`]).stdout).toMatch(/^[0-9a-f]{12}\n$/);
    expect(berth(["start", "-a", id])).toEqual({ status: 0, stdout: "still here\n", stderr: "" });
    expect(berth(["rm", id]).status).toBe(0);
    expect(berth(["load", "-i", baseImageArchive]).status).toBe(0); // busybox back for whatever runs next
  }, 300_000);
});

describe("exec, attach, top and stats on a running container", { timeout: 180_000 }, () => {
  let id: string;

  it("exec runs in the container with its env merged with -e/--env-file, -w and -u, and exits with the command's code", () => {
    id = berth(["run", "-d", "--name", "e2e-exec", "-e", "A=1", "busybox", "sleep", "300"]).stdout.trim();
    writeFileSync(join(e2e.workDir, "exec.env"), "B=from-file\n");
    expect(berth(["exec", "-e", "C=3", "--env-file", "exec.env", "-w", "/tmp", "-u", "nobody", "e2e-exec", "sh", "-c", "echo $A $B $C; pwd; id -u; hostname"])).toEqual({
      status: 0, stdout: `1 from-file 3\n/tmp\n65534\n${id.slice(0, 12)}\n`, stderr: "",
    });
    expect(berth(["exec", "e2e-exec", "sh", "-c", "exit 5"]).status).toBe(5);
    expect(berth(["exec", "e2e-exec", "ps", "-o", "pid,args"]).stdout).toMatch(/^PID +COMMAND\n +1 sleep 300\n +\d+ ps -o pid,args\n$/);
  });

  it("exec gives 127/126 like docker, streams stdin with -i, and returns at once with -d", () => {
    const missing = berth(["exec", "e2e-exec", "no-such-command"]);
    expect(missing.status).toBe(127);
    expect(missing.stderr).toContain('exec: "no-such-command": executable file not found in $PATH');
    expect(berth(["exec", "e2e-exec", "/etc"]).status).toBe(126);
    expect(berth(["exec", "-i", "e2e-exec", "cat"], { input: "piped\n" })).toEqual({ status: 0, stdout: "piped\n", stderr: "" });
    expect(berth(["exec", "e2e-exec", "cat"], { input: "not sent\n" })).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["exec", "-d", "e2e-exec", "sh", "-c", "echo hidden; touch /tmp/d"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["exec", "-it", "e2e-exec", "sh"], { input: "exit\n" })).toEqual({ status: 1, stdout: "", stderr: "the input device is not a TTY\n" });
  });

  it("exec runs under the container's seccomp filter, exec --privileged too; none in a seccomp=unconfined container", () => {
    const probe = (flag: string) => ["sh", "-c", `grep ^Seccomp: /proc/self/status; unshare ${flag} true && echo unshared`];
    // docker's profile refuses unshare without CAP_SYS_ADMIN: a user namespace needs no capability, only the filter stops it.
    const filtered = berth(["exec", "e2e-exec", ...probe("-U")]);
    expect([filtered.status, filtered.stdout]).toEqual([1, "Seccomp:\t2\n"]);
    expect(filtered.stderr).toContain("Operation not permitted");
    // exec --privileged holds CAP_SYS_ADMIN, but the filter stays the container's (runc's setns init).
    expect(berth(["exec", "--privileged", "e2e-exec", ...probe("-m")]).stdout).toBe("Seccomp:\t2\n");
    expect(berth(["run", "-d", "--name", "e2e-unconfined", "--security-opt", "seccomp=unconfined", "busybox", "sleep", "300"]).status).toBe(0);
    expect(berth(["exec", "e2e-unconfined", ...probe("-U")])).toEqual({ status: 0, stdout: "Seccomp:\t0\nunshared\n", stderr: "" });
    expect(berth(["exec", "--privileged", "e2e-unconfined", ...probe("-m")])).toEqual({ status: 0, stdout: "Seccomp:\t0\nunshared\n", stderr: "" });
    expect(berth(["rm", "-f", "e2e-unconfined"]).status).toBe(0);
  });

  it("exec -it gives a pty of the local terminal's size", () => {
    const command = `stty cols 101 rows 31; ${bin} exec -it e2e-exec sh -c 'tty; stty size; exit 4'`;
    const result = spawnSync("script", ["-qec", command, "/dev/null"], {
      encoding: "utf8", input: "", cwd: e2e.workDir, env: e2e.env({ TERM: "xterm" }), timeout: 60_000,
    });
    expect(result.stdout).toMatch(/\/dev\/pts\/\d+\r*\n/);
    expect(result.stdout).toMatch(/\b31 101\r*\n/);
    expect(result.status).toBe(4);
  });

  it("top prints docker's columns, and passes ps options through", () => {
    const top = berth(["top", "e2e-exec"]);
    expect(top.status).toBe(0);
    const [header, ...rows] = top.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^UID {17}PID {17}PPID {16}C {19}STIME {15}TTY {17}TIME {16}CMD$/);
    expect(rows).toEqual([expect.stringMatching(/^root +\d+ +\d+ +\d+ +\S+ +\? +\S+ +sleep 300$/)]);
    expect(berth(["top", "e2e-exec", "-o", "pid,comm"]).stdout).toMatch(/^PID {17}COMMAND\n\d+ +sleep\n$/);
  });

  it("stats --no-stream prints docker's columns and --format fields", () => {
    const stats = berth(["stats", "--no-stream"]);
    expect(stats.status).toBe(0);
    const [header, ...rows] = stats.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^CONTAINER ID +NAME +CPU % +MEM USAGE \/ LIMIT +MEM % +NET I\/O +BLOCK I\/O +PIDS$/);
    expect(rows).toEqual([expect.stringMatching(new RegExp(`^${id.slice(0, 12)} +e2e-exec +\\d+\\.\\d\\d% +[\\d.]+[KMG]?i?B / [\\d.]+[KMG]iB +\\d+\\.\\d\\d% +[\\d.]+[kMG]?B / [\\d.]+[kMG]?B +0B / 0B +1$`))]);
    const formatted = berth(["stats", "--no-stream", "--no-trunc", "--format", "{{.Container}} {{.ID}} {{.PIDs}}", "e2e-exec"]);
    expect(formatted).toEqual({ status: 0, stdout: `e2e-exec ${id} 1\n`, stderr: "" });
    expect(berth(["stats", "--no-stream", "e2e-nothing"])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: e2e-nothing\n" });
  });

  it("attach relays a running container's output until it exits, with its code", async () => {
    expect(berth(["run", "-d", "-i", "--name", "e2e-attach", "busybox", "sh", "-c", "read line; echo got $line; exit 6"]).status).toBe(0);
    expect(berth(["attach", "e2e-attach"], { input: "hello\n" })).toEqual({ status: 6, stdout: "got hello\n", stderr: "" });
    expect(berth(["attach", "e2e-attach"])).toEqual({ status: 1, stdout: "", stderr: "Error: You cannot attach to a stopped container, start it first\n" });
  });

  it("attach to a tty container leaves on the detach keys, the container still running", async () => {
    expect(berth(["run", "-d", "-it", "--name", "e2e-attach-tty", "busybox", "sh"]).status).toBe(0);
    const child = spawn("script", ["-qec", `${bin} attach e2e-attach-tty`, "/dev/null"], { cwd: e2e.workDir, env: e2e.env({ TERM: "xterm" }) });
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    // What the shell printed before the attach is not replayed: type until an answer comes back.
    await expect.poll(() => {
      child.stdin.write("echo mark-$((1+1))\n");
      return output.includes("mark-2");
    }, { timeout: 60_000, interval: 500 }).toBe(true);
    child.stdin.write("\x10\x11");
    expect(await exited).toBe(0);
    expect(berth(["ps", "--format", "{{.Names}} {{.State}}", "-f", "name=e2e-attach-tty"]).stdout).toBe("e2e-attach-tty running\n");
  });

  it("refuses exec, top and attach on a paused or stopped container with docker's errors", () => {
    expect(berth(["pause", "e2e-exec"]).status).toBe(0);
    expect(berth(["exec", "e2e-exec", "true"])).toEqual({ status: 1, stdout: "", stderr: `Error: Container ${id} is paused, unpause the container before exec\n` });
    expect(berth(["top", "e2e-exec"]).status).toBe(0);
    expect(berth(["attach", "e2e-exec"])).toEqual({ status: 1, stdout: "", stderr: "Error: You cannot attach to a paused container, unpause it first\n" });
    expect(berth(["unpause", "e2e-exec"]).status).toBe(0);
    expect(berth(["kill", "e2e-exec"]).status).toBe(0);
    expect(berth(["exec", "e2e-exec", "true"])).toEqual({ status: 1, stdout: "", stderr: `Error: Container ${id} is not running\n` });
    expect(berth(["top", "e2e-exec"])).toEqual({ status: 1, stdout: "", stderr: `Error: Container ${id} is not running\n` });
    expect(berth(["rm", "-f", "e2e-exec", "e2e-attach", "e2e-attach-tty"]).status).toBe(0);
  });
});

// Each berth process takes seconds on a loaded CI host: these tests run several in a row.
describe("diff, export and cp", { timeout: 600_000 }, () => {
  /** A shell pipeline with berth on PATH as `berth`, in the work dir (binary tars stay in pipes). */
  function shell(script: string) {
    return spawnSync("sh", ["-c", script], {
      encoding: "utf8",
      cwd: e2e.workDir,
      env: e2e.env({ PATH: `${resolve(bin, "..")}:${process.env["PATH"]}` }),
      timeout: 120_000,
    });
  }

  it("diff prints docker's A/C/D lines of a stopped container", () => {
    expect(berth(["run", "--name", "e2e-fs", "busybox", "sh", "-c", "mkdir /tmp/n && echo n > /tmp/n/f && rm /bin/rev"]).status).toBe(0);
    expect(berth(["diff", "e2e-fs"])).toEqual({ status: 0, stdout: "C /bin\nD /bin/rev\nC /tmp\nA /tmp/n\nA /tmp/n/f\n", stderr: "" });
    expect(berth(["container", "diff", "nope"])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: nope\n" });
  });

  it("export writes a tar that import turns into an image that runs", () => {
    const listed = shell("berth export e2e-fs | tar -tf - | grep -E '^(tmp/n/f|bin/rev|proc/)$'");
    expect(listed.stdout).toBe("proc/\ntmp/n/f\n");
    expect(berth(["export", "-o", "flat.tar", "e2e-fs"]).status).toBe(0);
    expect(berth(["import", "flat.tar", "localhost/e2e-flat"]).status).toBe(0);
    expect(berth(["run", "--rm", "localhost/e2e-flat", "cat", "/tmp/n/f"])).toEqual({ status: 0, stdout: "n\n", stderr: "" });
    expect(berth(["export", "-o", "missing/dir/x.tar", "e2e-fs"])).toMatchObject({ status: 1, stderr: `Error: failed to export container: invalid output path: directory "${e2e.workDir}/missing/dir" does not exist\n` });
  });

  it("cp copies both ways, with docker's path rules, `-` streams and errors", () => {
    writeFileSync(join(e2e.workDir, "host.txt"), "from host\n");
    expect(berth(["cp", "host.txt", "e2e-fs:/tmp/n/"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["cp", "host.txt", "e2e-fs:/tmp/renamed"]).status).toBe(0);
    expect(berth(["cp", "e2e-fs:/tmp/n", "out"]).status).toBe(0);
    expect(shell("cat out/f out/host.txt").stdout).toBe("n\nfrom host\n");
    expect(berth(["cp", "e2e-fs:/tmp/renamed", "out/"]).status).toBe(0);
    expect(shell("cat out/renamed").stdout).toBe("from host\n");
    expect(shell("berth cp e2e-fs:/tmp/n/. - | tar -tf - | sort").stdout).toBe("./\n./f\n./host.txt\n");
    expect(shell("tar -cf - host.txt | berth cp - e2e-fs:/ && berth cp e2e-fs:/host.txt - | tar -xOf -").stdout).toBe("from host\n");
    expect(berth(["cp", "e2e-fs:/nope", "."])).toEqual({ status: 1, stdout: "", stderr: "Error: Could not find the file /nope in container e2e-fs\n" });
    expect(berth(["cp", "e2e-fs:/tmp/n", "host.txt"])).toMatchObject({ status: 1, stderr: "Error: cannot copy directory\n" });
    expect(berth(["cp", "host.txt", "e2e-fs:/tmp/absent/"])).toMatchObject({ status: 1, stderr: "Error: no such directory\n" });
    expect(berth(["cp", "host.txt", "out/x"]).stderr).toBe("Error: must specify at least one container source\n");
    expect(berth(["cp", "e2e-fs:/a", "e2e-fs:/b"]).stderr).toBe("Error: copying between containers is not supported\n");
    expect(shell("tar -cf - host.txt | berth cp - e2e-fs:/tmp/renamed").stderr).toBe('Error: destination "e2e-fs:/tmp/renamed" must be a directory\n');
    expect(berth(["cp", "nope:/x", "."])).toEqual({ status: 1, stdout: "", stderr: "Error: No such container: nope\n" });
    expect(berth(["rm", "e2e-fs"]).status).toBe(0);
  });

  it("cp into and out of a stopped container goes through its volumes and binds, as docker's; export still leaves them out", () => {
    const bindDir = join(e2e.workDir, "cp-bind");
    mkdirSync(bindDir, { recursive: true });
    writeFileSync(join(bindDir, "b"), "from the bind\n");
    writeFileSync(join(e2e.workDir, "host.txt"), "from host\n");
    const volumes = ["-v", "e2e-cpdata:/data", "-v", `${bindDir}:/bind`, "-v", "e2e-cpro:/ro:ro"];
    expect(berth(["run", "--name", "e2e-cpvol", ...volumes, "busybox", "sh", "-c", "echo in-volume > /data/v"]).status).toBe(0);
    expect(berth(["cp", "host.txt", "e2e-cpvol:/data/"])).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(berth(["run", "--rm", "-v", "e2e-cpdata:/data", "busybox", "cat", "/data/host.txt", "/data/v"]).stdout).toBe("from host\nin-volume\n");
    expect(shell("berth cp e2e-cpvol:/data/v - | tar -xOf -").stdout).toBe("in-volume\n");
    expect(shell("berth cp e2e-cpvol:/bind/b - | tar -xOf -").stdout).toBe("from the bind\n");
    expect(berth(["cp", "host.txt", "e2e-cpvol:/bind/copied"]).status).toBe(0);
    expect(readFileSync(join(bindDir, "copied"), "utf8")).toBe("from host\n");
    const readOnly = berth(["cp", "host.txt", "e2e-cpvol:/ro/"]);
    expect([readOnly.status, readOnly.stderr]).toEqual([1, expect.stringContaining("read-only file system")]);
    // A container never started gets the image's content copied into its empty volume first, as its start would.
    expect(berth(["create", "--name", "e2e-cpnew", "-v", "e2e-cpetc:/etc", "busybox"]).status).toBe(0);
    expect(shell("berth cp e2e-cpnew:/etc/passwd - | tar -xOf - | head -1").stdout).toMatch(/^root:/);
    expect(berth(["cp", "host.txt", "e2e-cpnew:/etc/"]).status).toBe(0);
    expect(berth(["run", "--rm", "-v", "e2e-cpetc:/etc", "busybox", "sh", "-c", "cat /etc/host.txt; head -1 /etc/group"]).stdout).toMatch(/^from host\nroot:/);
    // A symlink at a mount point resolves inside the container: the volume is never mounted over a host path.
    const hostTarget = join(e2e.workDir, "not-in-container");
    expect(berth(["run", "--name", "e2e-cplink", "busybox", "ln", "-s", hostTarget, "/linked"]).status).toBe(0);
    expect(berth(["commit", "e2e-cplink", "localhost/e2e-cplink"]).status).toBe(0);
    expect(berth(["create", "--name", "e2e-cplinked", "-v", "e2e-cplinkvol:/linked", "localhost/e2e-cplink"]).status).toBe(0);
    expect(berth(["cp", "host.txt", "e2e-cplinked:/linked/"]).status).toBe(0);
    expect(berth(["run", "--rm", "-v", "e2e-cplinkvol:/v", "busybox", "cat", "/v/host.txt"]).stdout).toBe("from host\n");
    expect(existsSync(hostTarget)).toBe(false);
    expect(berth(["rm", "e2e-cplink", "e2e-cplinked"]).status).toBe(0);
    expect(berth(["rmi", "localhost/e2e-cplink"]).status).toBe(0);
    expect(berth(["volume", "rm", "e2e-cplinkvol"]).status).toBe(0);
    expect(berth(["diff", "e2e-cpvol"]).stdout).not.toContain("host.txt");
    expect(shell("berth export e2e-cpvol | tar -tf - | grep -E '^(data|bind)/'").stdout).toBe("bind/\ndata/\n");
    const mounted = readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((line) => line.includes(`${e2e.root}/containers/`));
    expect(mounted).toEqual([]);
    expect(berth(["rm", "-v", "e2e-cpvol", "e2e-cpnew"]).status).toBe(0);
    expect(berth(["volume", "rm", "e2e-cpdata", "e2e-cpro", "e2e-cpetc"]).status).toBe(0);
  });
});

function context(name: string, dockerfile: string): string {
  const dir = join(e2e.workDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Dockerfile"), dockerfile);
  writeFileSync(join(dir, "hello.txt"), "hello\n");
  return dir;
}

describe("build and commit", () => {
  it("prints docker's steps, tags, writes --iidfile, and -q prints only the ID", () => {
    const dir = context("ok", "FROM busybox\nCOPY hello.txt /\nRUN cat /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n");
    const first = berth(["build", "-t", "localhost/hello:1", "-t", "localhost/hello:2", "--iidfile", join(dir, "id.txt"), dir]);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^Step 1\/4 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/4 : COPY hello.txt \/\n ---> [0-9a-f]{12}\nStep 3\/4 : RUN cat \/hello.txt\n ---> Running in [0-9a-f]{12}\nhello\nRemoving intermediate container [0-9a-f]{12}\n/);
    expect(first.stdout).toMatch(/Successfully tagged localhost\/hello:1\nSuccessfully tagged localhost\/hello:2\n$/);
    const id = readFileSync(join(dir, "id.txt"), "utf8");
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(berth(["build", "-q", dir])).toEqual({ status: 0, stdout: `${id}\n`, stderr: "" });
    expect(berth(["run", "--rm", "localhost/hello:2"]).stdout).toBe("hello\n");
    // FROM, COPY, RUN, CMD: each a stored image (the rows below busybox's are <missing>).
    expect(berth(["history", "-q", "localhost/hello:1"]).stdout.split("\n").filter((row) => /^[0-9a-f]{12}$/.test(row))).toHaveLength(4);
  });

  it("exits with a failing RUN's code, reads a Dockerfile from stdin, and refuses bad input", () => {
    const dir = context("fail", "FROM busybox\nRUN exit 42\n");
    const failed = berth(["build", "-t", "localhost/failed", dir]);
    expect(failed.status).toBe(42);
    expect(failed.stderr).toBe("The command '/bin/sh -c exit 42' returned a non-zero code: 42\n");
    expect(berth(["image", "inspect", "localhost/failed"]).status).toBe(1);
    const fromStdin = berth(["build", "-f", "-", "-q", dir], { input: "FROM busybox\nLABEL from=stdin\n" });
    expect(fromStdin.status).toBe(0);
    const bad = berth(["build", "-f", "-", dir], { input: "FROM busybox\nNOPE x\n" });
    expect(bad).toMatchObject({ status: 1, stderr: "Error: Dockerfile:2: unknown instruction: NOPE\n" });
    expect(berth(["build", join(e2e.workDir, "missing")]).status).toBe(1);
  });

  it("commit prints the new image's ID and tags it", () => {
    expect(berth(["run", "--name", "commit-src", "busybox", "sh", "-c", "echo saved > /saved"]).status).toBe(0);
    const committed = berth(["commit", "-c", "CMD cat /saved", "-m", "msg", "commit-src", "localhost/saved:1"]);
    expect(committed.status).toBe(0);
    expect(committed.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(berth(["run", "--rm", "localhost/saved:1"]).stdout).toBe("saved\n");
    expect(berth(["commit", "nope"])).toMatchObject({ status: 1, stderr: "Error: No such container: nope\n" });
  });
});
