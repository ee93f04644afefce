// A private PostgreSQL 15 server for tests: its own data directory, unix socket directory and
// TCP port on 127.0.0.1, trust authentication. Several test files may each start one at once.
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export interface PostgresServer {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Creates an empty database on this server and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Directory holding initdb and pg_ctl; default /usr/lib/postgresql/15/bin or BERTH_PG_BIN. */
  binDir?: string;
  /** System user that owns and runs the server (initdb refuses root); default "postgres". */
  user?: string;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? process.env["BERTH_PG_BIN"] ?? "/usr/lib/postgresql/15/bin";
  const user = options.user ?? "postgres";
  const baseDir = await mkdtemp(join(tmpdir(), "berth-pg-"));
  const dataDir = join(baseDir, "data");
  const socketDir = join(baseDir, "socket");
  const logFile = join(baseDir, "server.log");
  const asUser = (command: string, args: string[]) => run("runuser", ["-u", user, "--", join(binDir, command), ...args]);
  const stopSync = () => stopServer(binDir, user, dataDir, baseDir);
  try {
    const [uid, gid] = ["-u", "-g"].map((flag) => Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim()));
    await chown(baseDir, uid!, gid!);
    await mkdir(socketDir);
    await chown(socketDir, uid!, gid!);
    await asUser("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
    const port = await startOnFreePort(asUser, { dataDir, socketDir, logFile });
    process.once("exit", stopSync);
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    let stopped = false;
    return {
      url,
      port,
      createDatabase: (name) => createDatabase(url, name ?? `berth_${randomBytes(6).toString("hex")}`),
      async stop() {
        if (stopped) return;
        stopped = true;
        process.removeListener("exit", stopSync);
        await asUser("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
        await rm(baseDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    const log = await readFile(logFile, "utf8").catch(() => "");
    stopSync();
    throw new Error(`cannot start a test PostgreSQL in ${baseDir}: ${String(error)}\n${log}`, { cause: error });
  }
}

interface ServerFiles {
  dataDir: string;
  socketDir: string;
  logFile: string;
}

/** Picks a free port and starts there; another test may grab the port first, so retry. */
async function startOnFreePort(
  asUser: (command: string, args: string[]) => Promise<unknown>,
  files: ServerFiles,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${files.socketDir}`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
    ].join(" ");
    try {
      await asUser("pg_ctl", ["-D", files.dataDir, "-l", files.logFile, "-w", "-t", "60", "-o", serverOptions, "start"]);
      return port;
    } catch (error) {
      if (attempt >= 5) throw error;
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function stopServer(binDir: string, user: string, dataDir: string, baseDir: string): void {
  try {
    execFileSync("runuser", ["-u", user, "--", join(binDir, "pg_ctl"), "-D", dataDir, "-m", "immediate", "-w", "stop"], {
      stdio: "ignore",
    });
  } catch {
    // not running
  }
  rmSync(baseDir, { recursive: true, force: true });
}
