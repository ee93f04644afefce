import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import tarStream from "tar-stream";
import { startPostgres, type PostgresServer } from "@berth/db/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeE2eRoot } from "./test-support/container-e2e.js";

/** berth on PostgreSQL (the team database) end to end, and `import URL` from a loopback server. */
const bin = resolve(import.meta.dirname, "../bin/berth");

let postgres: PostgresServer;
let databaseUrl: string;
let workDir: string;
let server: Server;
let baseUrl: string;

async function rootfsTar(): Promise<Buffer> {
  const pack = tarStream.pack();
  pack.entry({ name: "hello.txt", mtime: new Date(1_700_000_000_000) }, "served over http\n");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase("berth_cli");
  workDir = mkdtempSync(join(tmpdir(), "berth-cli-pg-"));
  const tar = await rootfsTar();
  server = createServer((request, response) => {
    if (request.url === "/rootfs.tar") response.end(tar);
    else response.writeHead(404).end();
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((closed) => server?.close(closed));
  if (workDir !== undefined) {
    removeE2eRoot(workDir, (args) => {
      const result = spawnSync(bin, args, { encoding: "utf8", env: env(), timeout: 60_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    });
  }
  await postgres?.stop();
});

const env = () => ({ PATH: process.env["PATH"], HOME: workDir, BERTH_ROOT: join(workDir, "root"), BERTH_DATABASE_URL: databaseUrl });

function berth(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      bin,
      args,
      { env: env(), timeout: 60_000 },
      (error, stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("berth on PostgreSQL", () => {
  it("bootstraps the base image, imports from a URL, tags and removes, all in PostgreSQL", async () => {
    const info = await berth(["info", "--format", "{{.DatabaseProvider}}"]);
    expect(info).toMatchObject({ status: 0, stdout: "postgresql\n" });
    expect((await berth(["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout).toBe("busybox:latest\n");

    const imported = await berth(["import", "-m", "from the web", `${baseUrl}/rootfs.tar`, "localhost/web:1"]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const history = await berth(["history", "--format", "{{.Comment}}", "localhost/web:1"]);
    expect(history.stdout).toBe("from the web\n");
    expect((await berth(["tag", "localhost/web:1", "localhost/web:2"])).status).toBe(0);
    expect((await berth(["rmi", "localhost/web:1", "localhost/web:2"])).stdout).toBe(
      `Untagged: localhost/web:1\nUntagged: localhost/web:2\nDeleted: ${imported.stdout.trim()}\n`,
    );
    expect((await berth(["images", "-q"])).stdout.split("\n").filter(Boolean)).toHaveLength(1);
  });

  it("names the URL and the failure when the source cannot be reached, and changes nothing", async () => {
    const closed = createServer();
    await new Promise<void>((ready) => closed.listen(0, "127.0.0.1", ready));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/missing.tar`;
    await new Promise((done) => closed.close(done));
    const failed = await berth(["import", closedUrl, "localhost/never"]);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`error downloading ${closedUrl}`);
    expect(failed.stderr).toContain("ECONNREFUSED");
    const notFound = await berth(["import", `${baseUrl}/nothing.tar`]);
    expect(notFound.status).toBe(1);
    expect(notFound.stderr).toContain("404");
    expect((await berth(["images", "--format", "{{.Repository}}"])).stdout).toBe("busybox\n");
  });
});
