import { createHash } from "node:crypto";
import { parseSubnet, type ContainerConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { containerEndpoints, endpointPorts } from "./endpoints.js";
import { networkMode } from "./network-mode.js";

// inspect's NetworkSettings, as docker shows it: the default bridge's address also at the top
// level, Ports from the held host ports (exposed but unpublished ports as null), one entry per
// network under Networks (empty fields while the container does not run).

const endpointId = (networkId: string, containerId: string) => createHash("sha256").update(`${networkId}:${containerId}`).digest("hex");

function endpointSettings(networkId: string, endpoint?: { id: string; address: string; macAddress: string; gateway: string; prefix: number }) {
  return {
    IPAMConfig: null, Links: null, Aliases: null, NetworkID: networkId, EndpointID: endpoint?.id ?? "",
    Gateway: endpoint?.gateway ?? "", IPAddress: endpoint?.address ?? "", IPPrefixLen: endpoint?.prefix ?? 0,
    IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: endpoint?.macAddress ?? "", DriverOpts: null,
  };
}

export async function networkSettings(
  ctx: EngineContext, container: { id: string; config: ContainerConfig; hostConfig: { NetworkMode: string } }, sandboxKey: string, isRunning: boolean,
): Promise<Record<string, unknown>> {
  const endpoints = isRunning ? await containerEndpoints(ctx, container.id) : [];
  const ports: Record<string, { HostIp: string; HostPort: string }[] | null> = {};
  if (isRunning) for (const key of Object.keys(container.config.ExposedPorts ?? {})) ports[key] = null;
  const networks: Record<string, unknown> = {};
  for (const endpoint of endpoints) {
    for (const port of endpointPorts(endpoint)) {
      const key = `${port.containerPort}/${port.protocol}`;
      ports[key] = [...(ports[key] ?? []), { HostIp: port.hostIp, HostPort: String(port.hostPort) }];
    }
    networks[endpoint.network.name] = endpointSettings(endpoint.networkId, {
      id: endpointId(endpoint.networkId, container.id), address: endpoint.address, macAddress: endpoint.macAddress,
      gateway: endpoint.network.gateway, prefix: parseSubnet(endpoint.network.subnet).prefix,
    });
  }
  const mode = networkMode(container.hostConfig);
  const modeName = mode.kind === "bridge" ? mode.network : mode.kind === "container" ? undefined : mode.kind;
  if (modeName !== undefined && networks[modeName] === undefined) networks[modeName] = endpointSettings("");
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
