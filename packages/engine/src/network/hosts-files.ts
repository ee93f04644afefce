import { writeFile } from "node:fs/promises";
import { extraHostLines, hostsFileText, parseExtraHost } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { containerPaths } from "../containers/container-paths.js";
import { DEFAULT_NETWORK } from "./network-store.js";

// /etc/hosts of running containers, kept current: docker's defaults, the `--add-host` lines
// (`host-gateway`: the gateway of the container's first network), its own address and host name,
// then on each user network every other container there by name, short id and aliases (the
// default bridge has no name resolution, like docker's). The file is bind-mounted into the
// container, so it is rewritten in place (same inode), under the root's network lock.

/** Rewrites the hosts file of every container with an endpoint on one of `networkIds` (or only `containerIds`). */
export async function writeHostsFiles(ctx: EngineContext, networkIds: readonly string[], containerIds: readonly string[] = []): Promise<void> {
  const members = await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, networkId: { in: [...networkIds] } }, select: { containerId: true } });
  const targets = [...new Set([...members.map((row) => row.containerId), ...containerIds])];
  if (targets.length === 0) return;
  const own = await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, containerId: { in: targets } }, include: { network: true, container: true }, orderBy: { createdAt: "asc" } });
  const sharedNetworks = [...new Set(own.filter((row) => row.network.name !== DEFAULT_NETWORK).map((row) => row.networkId))];
  const peers = await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, networkId: { in: sharedNetworks } }, include: { container: true }, orderBy: { createdAt: "asc" } });
  for (const containerId of targets) {
    const endpoints = own.filter((row) => row.containerId === containerId);
    const container = endpoints[0]?.container;
    if (container === undefined) continue;
    const hostname = (JSON.parse(container.config) as { Hostname?: string }).Hostname ?? container.id.slice(0, 12);
    const extraHosts = ((JSON.parse(container.hostConfig) as { ExtraHosts: string[] | null }).ExtraHosts ?? []).map(parseExtraHost);
    const lines = [...extraHostLines(extraHosts, endpoints[0]!.network.gateway), ...endpoints.map((row) => `${row.address}\t${hostname}`)];
    const joined = new Set(endpoints.filter((row) => row.network.name !== DEFAULT_NETWORK).map((row) => row.networkId));
    for (const peer of peers) {
      if (peer.containerId === containerId || !joined.has(peer.networkId)) continue;
      const names = [peer.container.name, peer.containerId.slice(0, 12), ...(JSON.parse(peer.aliases) as string[])];
      lines.push(`${peer.address}\t${[...new Set(names)].join(" ")}`);
    }
    await writeFile(containerPaths(ctx.paths, containerId).hosts, hostsFileText([...new Set(lines)]));
  }
}
