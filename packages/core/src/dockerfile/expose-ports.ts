import { invalidArgument } from "../errors.js";

const protocols = new Set(["tcp", "udp", "sctp"]);

/**
 * The `ExposedPorts` keys for EXPOSE arguments, like docker's nat.ParsePortSpecs:
 * `80` → `80/tcp`, `53/udp`, ranges `8000-8002` (one key each), protocol lower-cased; a
 * `[ip:][hostPort:]` prefix is accepted and ignored. Throws INVALID_ARGUMENT.
 */
export function parseExposedPorts(specs: readonly string[]): string[] {
  return specs.flatMap((spec) => {
    const containerPart = spec.slice(spec.lastIndexOf(":") + 1);
    const [portText = "", protocolText] = containerPart.split("/");
    const protocol = protocolText === undefined || protocolText === "" ? "tcp" : protocolText;
    if (portText === "") throw invalidArgument(`no port specified: ${spec}<empty>`);
    const range = /^(\d+)(?:-(\d+))?$/.exec(portText);
    const start = Number(range?.[1]);
    const end = Number(range?.[2] ?? range?.[1]);
    if (range === null || start > 65535 || end > 65535) throw invalidArgument(`invalid containerPort: ${portText}`);
    if (end < start) throw invalidArgument(`invalid range specified for container port: ${portText}`);
    if (!protocols.has(protocol.toLowerCase())) throw invalidArgument(`invalid proto: ${protocol}`);
    return Array.from({ length: end - start + 1 }, (_, i) => `${start + i}/${protocol.toLowerCase()}`);
  });
}
