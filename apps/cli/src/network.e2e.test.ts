import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { FIXTURE } from "@berth/engine/test-support";
import { removeE2eRoot } from "./test-support/container-e2e.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The tutorial's last step as a user types it: an imported image serving a page with busybox
// httpd, `run --name=hellogin -d -p 9020:8000`, a GET to 127.0.0.1:9020; the same with the
// image built from the tutorial's Dockerfile (the build issue's fixture); then ps, port, network
// and the errors, through the real bin/berth in a fresh root (root needed). Traffic stays on
// loopback.

const bin = resolve(import.meta.dirname, "../bin/berth");
const builtMain = resolve(import.meta.dirname, "../dist/main.cjs");
const baseImageArchive = "/usr/local/share/berth/busybox.tar";

let workDir: string;
let root: string;

function run(command: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: workDir, env: { PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: root, ...env }, timeout: 120_000 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const berth = (args: string[]) => run(bin, args);

/** A rootfs tar: busybox's layer plus /www/index.html. */
function makeRootfsTar(): string {
  const unpacked = join(workDir, "archive");
  const rootfs = join(workDir, "rootfs");
  mkdirSync(unpacked);
  mkdirSync(join(rootfs, "www"), { recursive: true });
  expect(run("tar", ["-xf", baseImageArchive, "-C", unpacked]).status).toBe(0);
  const manifest = JSON.parse(run("cat", [join(unpacked, "manifest.json")]).stdout) as { Layers: string[] }[];
  for (const layer of manifest[0]!.Layers) expect(run("tar", ["-xf", join(unpacked, layer), "-C", rootfs]).status).toBe(0);
  writeFileSync(join(rootfs, "www", "index.html"), "<h1>hello from hellogin</h1>\n");
  const tar = join(workDir, "hellogin.tar");
  expect(run("tar", ["-cf", tar, "-C", rootfs, ...readdirSync(rootfs)]).status).toBe(0);
  return tar;
}

beforeAll(() => {
  if (!existsSync(builtMain)) throw new Error(`${builtMain} is missing: build apps/cli before its e2e tests`);
  if (process.getuid?.() !== 0) throw new Error("the network e2e tests need root (namespaces, bridges, iptables)");
  workDir = mkdtempSync(join(tmpdir(), "berth-cli-network-"));
  root = join(workDir, "root");
});

afterAll(() => {
  if (root !== undefined) removeE2eRoot(workDir, berth);
});

async function get(url: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await (await fetch(url, { signal: AbortSignal.timeout(5_000) })).text();
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

describe("the tutorial's published port", () => {
  it("serves the imported image's page on 127.0.0.1:9020 and shows the port in ps and port", async () => {
    const tar = makeRootfsTar();
    const imported = berth(["import", "-c", 'CMD ["httpd", "-f", "-p", "8000", "-h", "/www"]', "-c", "EXPOSE 8000", tar, "localhost/hellogin"]);
    expect(imported.status, imported.stderr).toBe(0);
    const started = berth(["run", "--name=hellogin", "-d", "-p", "9020:8000", "localhost/hellogin"]);
    expect(started.status, started.stderr).toBe(0);
    expect(await get("http://127.0.0.1:9020/")).toBe("<h1>hello from hellogin</h1>\n");
    expect(berth(["ps", "--format", "{{.Names}} {{.Ports}}"]).stdout).toBe("hellogin 0.0.0.0:9020->8000/tcp\n");
    expect(berth(["port", "hellogin"]).stdout).toBe("8000/tcp -> 0.0.0.0:9020\n");
    expect(berth(["port", "hellogin", "8000"]).stdout).toBe("0.0.0.0:9020\n");
    expect(berth(["port", "hellogin", "9/udp"])).toMatchObject({ status: 1, stderr: "Error: No public port '9/udp' published for hellogin\n" });
    // The port is taken now: a second container asking for it does not start.
    const second = berth(["run", "-d", "--name", "second", "-p", "9020:8000", "localhost/hellogin"]);
    expect(second).toMatchObject({ status: 125, stderr: expect.stringContaining("Error starting userland proxy: listen tcp4 0.0.0.0:9020: bind: address already in use") });
    expect(berth(["ps", "-a", "--format", "{{.Names}} {{.State}}", "-f", "name=second"]).stdout).toBe("second created\n");
    expect(berth(["rm", "-f", "hellogin", "second"]).status).toBe(0);
    const hash = createHash("sha256").update(root).digest("hex").slice(0, 12);
    expect(run("iptables-save", []).stdout).not.toContain(`BERTH-${hash}`);
    expect(run("ss", ["-Hltn", "sport = :9020"]).stdout).toBe("");
  }, 600_000);

  it("builds the tutorial's Dockerfile and serves the image's page on 127.0.0.1:9020", async () => {
    const context = join(workDir, "tutorial");
    for (const [name, content] of Object.entries(FIXTURE)) {
      mkdirSync(dirname(join(context, name)), { recursive: true });
      writeFileSync(join(context, name), content, { mode: name.endsWith(".sh") ? 0o755 : 0o644 });
    }
    const built = berth(["build", "-t", "localhost/pop:1", context]);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/^Step 1\/12 : FROM busybox\n[^]*Successfully tagged localhost\/pop:1\n$/);
    const started = berth(["run", "--name=pop", "-d", "-p", "9020:8000", "localhost/pop:1"]);
    expect(started.status, started.stderr).toBe(0);
    expect(await get("http://127.0.0.1:9020/")).toBe("hello from berth\n");
    expect(berth(["rm", "-f", "pop"]).status).toBe(0);
    expect(run("ss", ["-Hltn", "sport = :9020"]).stdout).toBe("");
  }, 600_000);

  it("refuses malformed -p values with exit 125, and manages networks like docker", () => {
    expect(berth(["run", "--rm", "-p", "99999:80", "busybox", "true"])).toEqual({ status: 125, stdout: "", stderr: "Error: invalid hostPort: 99999\n" });
    expect(berth(["run", "--rm", "-p", "80:80/bogus", "busybox", "true"])).toMatchObject({ status: 125, stderr: "Error: invalid proto: bogus\n" });
    expect(berth(["run", "--rm", "--network", "missing", "busybox", "true"])).toMatchObject({ status: 125, stderr: "Error: network missing not found\n" });
    const created = berth(["network", "create", "--subnet", "10.201.77.0/24", "web"]);
    expect(created.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(berth(["network", "ls", "--format", "{{.Name}} {{.Driver}}"]).stdout).toBe("bridge bridge\nweb bridge\nhost host\nnone null\n");
    expect(berth(["network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", "web"]).stdout).toBe("10.201.77.0/24 10.201.77.1\n");
    expect(berth(["network", "create", "--subnet", "10.201.77.0/25", "clash"])).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Error: Pool overlaps/) });
    expect(berth(["network", "rm", "bridge"])).toMatchObject({ status: 1, stderr: "Error: bridge is a pre-defined network and cannot be removed\n" });
    expect(berth(["run", "--rm", "--network", "web", "busybox", "sh", "-c", "ip -4 -o addr show eth0 | grep -o '10.201.77.[0-9]*/24'"]).stdout).toBe("10.201.77.2/24\n");
    expect(berth(["network", "rm", "web"])).toEqual({ status: 0, stdout: "web\n", stderr: "" });
  }, 600_000);
});
