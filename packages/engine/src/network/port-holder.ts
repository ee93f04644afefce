import { spawn } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { BerthError, splitPortKey, type PortBindings, type PublishedPort } from "@berth/core";
import { isProcessRunning, waitUntil } from "../containers/host-processes.js";

// The host ports a container publishes are held by berth while it runs, as docker's proxy holds
// them: a TCP port is a listening socket bound by the engine, handed to a small holder process
// (`sleep infinity` with the sockets as fds 3…) that lives until the container's resources are
// released; a UDP port likewise is a bound datagram socket. Nothing ever reads them: the DNAT
// rules send connections and datagrams to the container before they reach the socket. So anything
// else bound to the port makes the start fail, and nothing else can take it while the container runs.

const HOLDER_ARGV = ["sleep", "infinity"];

/** A bound socket and its descriptor (Node has no public accessor for either kind's). */
interface HeldSocket {
  fd: number;
  close: () => void;
}

export interface HeldPorts {
  ports: PublishedPort[];
  /** TCP listening and UDP sockets to hand to the holder. */
  servers: HeldSocket[];
}

const describe = (protocol: string, host: string, port: number) => `listen ${protocol}4 ${host}:${port}`;

async function listenTcp(host: string, port: number): Promise<{ held: HeldSocket; port: number }> {
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port, exclusive: true, backlog: 1 }, resolve);
  });
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  return { held: { fd, close: () => server.close() }, port: (server.address() as { port: number }).port };
}

async function bindUdp(host: string, port: number): Promise<{ held: HeldSocket; port: number }> {
  const socket: Socket = createSocket({ type: "udp4", reuseAddr: false });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address: host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    socket.close();
    throw error;
  }
  // The socket's state lives under a symbol; its handle has the descriptor.
  const state = Object.getOwnPropertySymbols(socket).map((key) => (socket as unknown as Record<symbol, unknown>)[key])
    .find((value): value is { handle: { fd: number } } => typeof (value as { handle?: { fd?: unknown } } | null)?.handle?.fd === "number");
  if (state === undefined) {
    socket.close();
    throw new BerthError("INTERNAL", "cannot read the descriptor of a UDP socket");
  }
  return { held: { fd: state.handle.fd, close: () => socket.close() }, port: socket.address().port };
}

/** Binds one host port (the first free of a range, any with an empty HostPort); throws CONFLICT when taken. */
async function bindOne(protocol: string, host: string, portText: string, servers: HeldSocket[]): Promise<number> {
  const [first, last] = portText === "" ? [0, 0] : portText.split("-").map(Number) as [number, number?];
  const end = last ?? first;
  let lastError: unknown;
  for (let port = first; port <= end; port++) {
    try {
      const bound = protocol === "tcp" ? await listenTcp(host, port) : await bindUdp(host, port);
      servers.push(bound.held);
      return bound.port;
    } catch (error) {
      lastError = error;
    }
  }
  const code = (lastError as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === "EADDRINUSE" ? "bind: address already in use" : code === "EADDRNOTAVAIL" ? "bind: cannot assign requested address" : String((lastError as Error | undefined)?.message);
  throw new BerthError("CONFLICT", `Error starting userland proxy: ${describe(protocol, host, first)}: ${reason}`);
}

/** Binds every host port of the bindings; on failure closes what was bound and throws. */
export async function bindHostPorts(bindings: PortBindings): Promise<HeldPorts> {
  const servers: HeldSocket[] = [];
  const ports: PublishedPort[] = [];
  try {
    for (const [key, list] of Object.entries(bindings)) {
      const { port: containerPort, protocol } = splitPortKey(key);
      if (protocol !== "tcp" && protocol !== "udp") throw new BerthError("INVALID_ARGUMENT", `berth publishes tcp and udp ports only, not ${key}`);
      for (const binding of list) {
        const host = binding.HostIp === "" ? "0.0.0.0" : binding.HostIp;
        const hostPort = await bindOne(protocol, host, binding.HostPort, servers);
        ports.push({ containerPort, protocol, hostIp: host, hostPort });
      }
    }
  } catch (error) {
    closeServers(servers);
    throw error;
  }
  return { ports, servers };
}

export function closeServers(servers: readonly HeldSocket[]): void {
  for (const server of servers) server.close();
}

/** Hands the sockets to a holder process (its pid in `pidFile`) and closes the engine's copies. */
export async function handOverPorts(held: HeldPorts, pidFile: string): Promise<void> {
  if (held.servers.length === 0) return;
  const fds = held.servers.map((server) => server.fd);
  const holder = spawn(HOLDER_ARGV[0]!, HOLDER_ARGV.slice(1), { detached: true, stdio: ["ignore", "ignore", "ignore", ...fds] });
  const pid = await new Promise<number>((resolve, reject) => {
    holder.once("spawn", () => resolve(holder.pid ?? 0));
    holder.once("error", reject);
  }).finally(() => closeServers(held.servers));
  holder.unref();
  await writeFile(pidFile, String(pid));
}

/** Ends the holder (checked by its argv, so a reused pid is left alone); idempotent. */
export async function releasePorts(pidFile: string): Promise<void> {
  const pid = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
  if (pid > 0) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8") === `${HOLDER_ARGV.join("\0")}\0`) process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
    // Its sockets are closed once it has exited (a zombie holds none).
    await waitUntil(() => !isProcessRunning(pid), 2_000);
  }
  await rm(pidFile, { force: true });
}
