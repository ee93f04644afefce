import {
  BerthError, checkEndpointConfig, invalidArgument, networkMode,
  type ContainerConfig, type ContainerNetworks, type EndpointConfig, type EndpointNetwork, type PortBindings,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { containerPaths } from "../containers/container-paths.js";
import { findContainer } from "../containers/container-store.js";
import { DEFAULT_NETWORK, findNetwork, type NetworkRow } from "./network-store.js";

// create's checks of `--network` (docker's values) and what goes with it, the networks a container
// is recorded to join, and the ports a start binds.

/** What create checks together with `--network`. */
export interface NetworkRequest {
  mode: string;
  publishes: boolean;
  hasDns: boolean;
  hasExtraHosts: boolean;
  /** The networks named (`--network`), in order, with what the container asks of each. */
  endpoints: readonly [string, EndpointConfig][];
}

/** `--network` checked at create, like docker: `container:` needs a name and takes no ports, DNS or hosts; published ports need a bridge. */
function checkNetworkMode(request: Omit<NetworkRequest, "endpoints">): string {
  const { mode: text, publishes } = request;
  if (text === "container:") throw invalidArgument("invalid container format container:<name|id>");
  const mode = networkMode({ NetworkMode: text });
  if (mode.kind === "container" && request.hasDns) throw invalidArgument("conflicting options: dns and the network mode");
  if (mode.kind === "container" && request.hasExtraHosts) throw invalidArgument("conflicting options: custom host-to-IP mapping and the network mode");
  if (publishes && mode.kind !== "bridge") throw invalidArgument(mode.kind === "container" ? "conflicting options: port publishing and the container type network mode" : "published ports are discarded when using host or none network mode");
  return text;
}

/** What docker's endpoint checks need of a network row. */
export const endpointNetwork = (row: NetworkRow): EndpointNetwork => ({ name: row.name, isUserDefined: row.name !== DEFAULT_NETWORK, subnet: row.subnet, userSubnet: row.userSubnet });

/** HostConfig.PortBindings plus, with `-P`, every exposed port not bound yet on a random host port. */
export function publishedBindings(config: ContainerConfig, hostConfig: { PortBindings: PortBindings; PublishAllPorts: boolean }): PortBindings {
  const bindings: PortBindings = { ...hostConfig.PortBindings };
  if (hostConfig.PublishAllPorts) {
    for (const key of Object.keys(config.ExposedPorts ?? {})) bindings[key] ??= [{ HostIp: "", HostPort: "" }];
  }
  return bindings;
}

/** `container:NAME`: the namespace handle of that running container. */
export async function containerNetnsOf(ctx: EngineContext, text: string): Promise<string> {
  const record = await findContainer(ctx, text);
  if (record.row.state !== "running" && record.row.state !== "paused") {
    throw new BerthError("CONFLICT", `cannot join network of a non running container: ${record.row.id}`);
  }
  return containerPaths(ctx.paths, record.row.id).netns;
}

/**
 * create's check of `--network` with its ports, DNS, hosts and endpoint settings: each named
 * network must exist (docker's `network X not found`). The networks the container will join.
 */
export async function checkContainerNetwork(ctx: EngineContext, request: NetworkRequest): Promise<ContainerNetworks> {
  const mode = networkMode({ NetworkMode: checkNetworkMode(request) });
  if (mode.kind !== "bridge") {
    checkEndpointConfig({ name: mode.kind, isUserDefined: false, subnet: "", userSubnet: false }, request.endpoints[0]![1]);
    return {};
  }
  const networks: ContainerNetworks = {};
  for (const [target, endpoint] of request.endpoints) {
    const row = await findNetwork(ctx, target === "default" ? DEFAULT_NETWORK : target);
    if (networks[row.name] !== undefined) throw invalidArgument(`network "${row.name}" is specified multiple times`);
    checkEndpointConfig(endpointNetwork(row), endpoint);
    networks[row.name] = endpoint;
  }
  return networks;
}
