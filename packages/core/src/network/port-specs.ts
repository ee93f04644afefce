import { invalidArgument } from "../errors.js";
import { parseExposedPorts } from "../dockerfile/expose-ports.js";

// `-p`/`--publish` as docker's nat.ParsePortSpec reads it: `[ip:][hostPort:]containerPort[/proto]`,
// each port part a number or a range; docker's HostConfig.PortBindings shape, and the PORTS
// column / `port` lines of the bindings a running container holds.

/** docker's nat.PortBinding: an empty HostPort asks for a random one, an empty HostIp for all. */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** `"8000/tcp"` → its bindings, as docker keeps HostConfig.PortBindings. */
export type PortBindings = Record<string, PortBinding[]>;

/** A port a running container holds on the host. */
export interface PublishedPort {
  containerPort: number;
  protocol: string;
  hostIp: string;
  hostPort: number;
}

const portRange = (text: string): [number, number] | undefined => {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2] ?? match[1]);
  return start > 65535 || end > 65535 || end < start ? undefined : [start, end];
};

const isIpv4 = (text: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split(".").every((part) => Number(part) <= 255);

/** One `-p` text's bindings. Throws INVALID_ARGUMENT with docker's messages. */
export function parsePortSpec(spec: string): PortBindings {
  const slash = spec.lastIndexOf("/");
  const protocol = slash >= 0 ? spec.slice(slash + 1) : "";
  const address = slash >= 0 ? spec.slice(0, slash) : spec;
  const parts = address.split(":");
  if (parts.length > 3 && !address.startsWith("[")) throw invalidArgument(`invalid port format for --publish: ${spec}`);
  let hostIp = "";
  let hostPort = "";
  let containerPort: string;
  const bracket = /^\[([0-9a-fA-F:]+)\]:(.*)$/.exec(address);
  if (bracket !== null) {
    hostIp = bracket[1]!;
    [hostPort = "", containerPort = ""] = bracket[2]!.split(":");
  } else if (parts.length === 3) [hostIp = "", hostPort = "", containerPort = ""] = parts;
  else if (parts.length === 2) [hostPort = "", containerPort = ""] = parts;
  else containerPort = parts[0] ?? "";
  if (hostIp !== "" && bracket === null && !isIpv4(hostIp)) throw invalidArgument(`invalid ip address: ${hostIp}`);
  if (bracket !== null) throw invalidArgument(`invalid ip address: ${hostIp}: berth publishes IPv4 ports only`);
  if (containerPort === "") throw invalidArgument(`no port specified: ${spec}<empty>`);
  const containerRange = portRange(containerPort);
  if (containerRange === undefined || containerRange[0] === 0) throw invalidArgument(`invalid containerPort: ${containerPort}`);
  const hostRange = hostPort === "" ? undefined : portRange(hostPort);
  if (hostPort !== "" && hostRange === undefined) throw invalidArgument(`invalid hostPort: ${hostPort}`);
  const keys = parseExposedPorts([`${containerPort}${protocol === "" ? "" : `/${protocol}`}`]);
  const count = containerRange[1] - containerRange[0] + 1;
  if (hostRange !== undefined && hostRange[1] - hostRange[0] + 1 !== count && !(count === 1 && hostRange[1] > hostRange[0])) {
    throw invalidArgument(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  const bindings: PortBindings = {};
  keys.forEach((key, index) => {
    // A single container port with a host range takes the first free port of the range (docker).
    const port = hostRange === undefined ? "" : count === 1 && hostRange[1] > hostRange[0] ? `${hostRange[0]}-${hostRange[1]}` : String(hostRange[0] + index);
    bindings[key] = [...(bindings[key] ?? []), { HostIp: hostIp, HostPort: port }];
  });
  return bindings;
}

/** Every `-p` text merged (docker keeps several bindings of one container port). */
export function parsePortSpecs(specs: readonly string[]): PortBindings {
  const merged: PortBindings = {};
  for (const spec of specs) for (const [key, list] of Object.entries(parsePortSpec(spec))) merged[key] = [...(merged[key] ?? []), ...list];
  return merged;
}

/** `"8000/tcp"` → port and protocol. */
export function splitPortKey(key: string): { port: number; protocol: string } {
  const [port = "0", protocol = "tcp"] = key.split("/");
  return { port: Number(port), protocol };
}

const compareKeys = (a: PublishedPort, b: PublishedPort) =>
  a.protocol.localeCompare(b.protocol) || a.containerPort - b.containerPort || a.hostIp.localeCompare(b.hostIp) || a.hostPort - b.hostPort;

/**
 * docker's PORTS column: `0.0.0.0:9020->8000/tcp`, consecutive ports grouped
 * (`0.0.0.0:8000-8001->80-81/tcp`), then the exposed ports nothing publishes (`53/udp`).
 */
export function formatPortsColumn(published: readonly PublishedPort[], exposed: readonly string[]): string {
  const sorted = [...published].sort(compareKeys);
  const groups: { first: PublishedPort; last: PublishedPort }[] = [];
  for (const port of sorted) {
    const group = groups.at(-1);
    const isNext = group !== undefined && group.last.protocol === port.protocol && group.last.hostIp === port.hostIp
      && group.last.containerPort + 1 === port.containerPort && group.last.hostPort + 1 === port.hostPort;
    if (isNext) group.last = port;
    else groups.push({ first: port, last: port });
  }
  const range = (a: number, b: number) => (a === b ? String(a) : `${a}-${b}`);
  const texts = groups.map(({ first, last }) =>
    `${first.hostIp || "0.0.0.0"}:${range(first.hostPort, last.hostPort)}->${range(first.containerPort, last.containerPort)}/${first.protocol}`);
  const publishedKeys = new Set(published.map((port) => `${port.containerPort}/${port.protocol}`));
  const bare = exposed.filter((key) => !publishedKeys.has(key)).map(splitPortKey).sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
  return [...texts, ...bare.map((port) => `${port.port}/${port.protocol}`)].join(", ");
}

/** `port CONTAINER [PRIVATE_PORT[/PROTO]]` lines: `8000/tcp -> 0.0.0.0:9020` (only the host part with a port asked for). */
export function formatPortLines(published: readonly PublishedPort[], privatePort?: string): string[] {
  const sorted = [...published].sort(compareKeys);
  if (privatePort === undefined) return sorted.map((port) => `${port.containerPort}/${port.protocol} -> ${port.hostIp || "0.0.0.0"}:${port.hostPort}`);
  const { port, protocol } = splitPortKey(privatePort.includes("/") ? privatePort : `${privatePort}/tcp`);
  return sorted.filter((entry) => entry.containerPort === port && entry.protocol === protocol).map((entry) => `${entry.hostIp || "0.0.0.0"}:${entry.hostPort}`);
}
