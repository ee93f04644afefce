import { createHash } from "node:crypto";
import { networkMode, parseContainerNetworks, parseSubnet, type ContainerConfig, type EndpointConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { containerEndpoints, endpointPorts } from "./endpoints.js";

// inspect's NetworkSettings, as docker shows it: the default bridge's address also at the top
// level, Ports from the held host ports (exposed but unpublished ports as null), one entry per
// network it joins under Networks with the aliases, fixed address and MAC asked for (the lease's
// fields empty while the container does not run).

const endpointId = (networkId: string, containerId: string) => createHash("sha256").update(`${networkId}:${containerId}`).digest("hex");

interface Lease { id: string; address: string; macAddress: string; gateway: string; prefix: number }

function endpointSettings(networkId: string, config?: EndpointConfig, endpoint?: Lease) {
  return {
    IPAMConfig: config?.IPv4Address ? { IPv4Address: config.IPv4Address } : null,
    Links: null,
    Aliases: config !== undefined && config.Aliases.length > 0 ? config.Aliases : null,
    NetworkID: networkId,
    EndpointID: endpoint?.id ?? "",
    Gateway: endpoint?.gateway ?? "", IPAddress: endpoint?.address ?? "", IPPrefixLen: endpoint?.prefix ?? 0,
    IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: endpoint?.macAddress ?? config?.MacAddress ?? "", DriverOpts: null,
  };
}

export async function networkSettings(
  ctx: EngineContext, container: { id: string; config: ContainerConfig; hostConfig: { NetworkMode: string }; networks: string | null }, sandboxKey: string, isRunning: boolean,
): Promise<Record<string, unknown>> {
  const endpoints = isRunning ? await containerEndpoints(ctx, container.id) : [];
  const recorded = parseContainerNetworks(container.networks, container.hostConfig);
  const rows = await ctx.client.network.findMany({ where: { nodeId: ctx.nodeId, name: { in: Object.keys(recorded) } }, select: { id: true, name: true } });
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  if (isRunning) for (const key of Object.keys(container.config.ExposedPorts ?? {})) ports[key] = null;
  const networks: Record<string, unknown> = {};
  for (const [name, config] of Object.entries(recorded)) networks[name] = endpointSettings(rows.find((row) => row.name === name)?.id ?? "", config);
  for (const endpoint of endpoints) {
    for (const port of endpointPorts(endpoint)) {
      const key = `${port.containerPort}/${port.protocol}`;
      ports[key] = [...(ports[key] ?? []), { HostIp: port.hostIp, HostPort: String(port.hostPort) }];
    }
    networks[endpoint.network.name] = endpointSettings(endpoint.networkId, recorded[endpoint.network.name], {
      id: endpointId(endpoint.networkId, container.id), address: endpoint.address, macAddress: endpoint.macAddress,
      gateway: endpoint.network.gateway, prefix: parseSubnet(endpoint.network.subnet).prefix,
    });
  }
  const mode = networkMode(container.hostConfig);
  if (mode.kind === "host" || mode.kind === "none") networks[mode.kind] = endpointSettings("");
  const primary = endpoints.find((endpoint) => endpoint.network.name === "bridge");
  const top = primary === undefined ? undefined : networks.bridge as ReturnType<typeof endpointSettings>;
  return {
    Bridge: "",
    SandboxID: isRunning ? endpointId("sandbox", container.id) : "",
    HairpinMode: false,
    LinkLocalIPv6Address: "",
    LinkLocalIPv6PrefixLen: 0,
    Ports: ports,
    SandboxKey: isRunning ? sandboxKey : "",
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: top?.EndpointID ?? "",
    Gateway: top?.Gateway ?? "",
    GlobalIPv6Address: "",
    GlobalIPv6PrefixLen: 0,
    IPAddress: top?.IPAddress ?? "",
    IPPrefixLen: top?.IPPrefixLen ?? 0,
    IPv6Gateway: "",
    MacAddress: top?.MacAddress ?? "",
    Networks: networks,
  };
}
