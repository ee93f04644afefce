import { createServer } from "node:net";
import { execa } from "execa";
import { filterChain } from "../network/firewall.js";
import { rootAlias } from "../network/container-network.js";

// Probes for network tests: what a root's networking may leave on the host (bridges, found by
// their alias; the root's chains and jumps; veths on its bridges; listeners on given ports), a free
// port, GETs over loopback and from inside a container, a busybox httpd command.

export async function networkLeftovers(rootHash: string, ports: readonly number[] = []): Promise<string[]> {
  const found: string[] = [];
  const links = JSON.parse((await execa("ip", ["-j", "link", "show"])).stdout) as { ifname: string; ifalias?: string; master?: string }[];
  const bridges = new Set(links.filter((link) => link.ifalias === rootAlias(rootHash)).map((link) => link.ifname));
  for (const link of links) if (bridges.has(link.ifname) || (link.master !== undefined && bridges.has(link.master))) found.push(`link ${link.ifname}`);
  for (const table of ["filter", "nat"]) {
    const rules = (await execa("iptables-save", ["-t", table])).stdout;
    for (const line of rules.split("\n")) if (line.includes(filterChain(rootHash))) found.push(`${table}: ${line}`);
  }
  const listening = (await execa("ss", ["-Hltnu"])).stdout;
  for (const port of ports) if (new RegExp(`:${port}\\s`).test(listening)) found.push(`listener on ${port}`);
  return found;
}

/** A TCP port free on the host right now (the kernel's pick). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: "0.0.0.0" }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET over loopback; the body, or the error's text. */
export async function httpGet(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return await response.text();
  } catch (error) {
    return `failed: ${(error as Error).message}`;
  }
}

/** busybox httpd serving `page` on port 8000 from /www. */
export const httpdCommand = (page: string) => ["sh", "-c", `mkdir -p /www && echo ${page} > /www/index.html && exec httpd -f -p 8000 -h /www`];

/**
 * A shell loop that GETs port 8000 of `host` from inside a container with nc (busybox's static
 * wget crashes resolving here), printing the body's last line or `unreachable`.
 */
export const fetchFromInside = (host: string, tries = 6) =>
  `for i in $(seq ${tries}); do printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 1 ${host} 8000 | tail -n 1 | grep . && exit 0; sleep 0.2; done; echo unreachable; exit 1`;
