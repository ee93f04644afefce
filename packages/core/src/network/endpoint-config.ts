import { invalidArgument } from "../errors.js";
import { invalidFlagValue } from "../container/run-options.js";
import { parseIpv4, parseSubnet, subnetContains } from "./subnets.js";

// The networks a container joins at start and what it asks of each (docker's EndpointsConfig,
// reduced to what berth does): aliases (`--network-alias`, `network connect --alias`), a fixed
// address (`--ip`, `network connect --ip`) and MAC (`--mac-address`), with docker's checks and messages.

export interface EndpointConfig {
  Aliases: string[];
  /** "" for an address leased at start. */
  IPv4Address: string;
  /** The interface's MAC; absent or "" for docker's, made from the address. */
  MacAddress?: string;
}

/** By network name, in the order joined (the first is eth0, with the default route). */
export type ContainerNetworks = Record<string, EndpointConfig>;

/** HostConfig.NetworkMode as `--network` sets it (docker's values). */
export type NetworkMode =
  | { kind: "bridge"; network: string }
  | { kind: "host" }
  | { kind: "none" }
  | { kind: "container"; container: string };

export function networkMode(hostConfig: { NetworkMode: string }): NetworkMode {
  const mode = hostConfig.NetworkMode;
  if (mode === "default" || mode === "bridge" || mode === "") return { kind: "bridge", network: "bridge" };
  if (mode === "host" || mode === "none") return { kind: mode };
  if (mode.startsWith("container:")) return { kind: "container", container: mode.slice("container:".length) };
  return { kind: "bridge", network: mode };
}

/** The stored networks of a container; a row from before they were stored has its NetworkMode's. */
export function parseContainerNetworks(json: string | null, hostConfig: { NetworkMode: string }): ContainerNetworks {
  if (json !== null) return JSON.parse(json) as ContainerNetworks;
  const mode = networkMode(hostConfig);
  return mode.kind === "bridge" ? { [mode.network]: { Aliases: [], IPv4Address: "" } } : {};
}

/** What the checks need to know of a network. */
export interface EndpointNetwork {
  name: string;
  /** false for the default bridge and the host/none/container modes. */
  isUserDefined: boolean;
  subnet: string;
  /** The subnet was given by `network create --subnet`. */
  userSubnet: boolean;
}

/** `--ip`: an IPv4 address, with the CLI's message otherwise. */
export function parseIpFlag(flag: string, text: string): string {
  if (text === "") return "";
  if (parseIpv4(text) === undefined) throw invalidFlagValue(flag, text, `invalid string being converted to IP address: ${text}`);
  return text;
}

/**
 * docker's checks of an endpoint's settings: aliases and fixed addresses on user networks only,
 * an address only where the user gave the subnet, and inside it.
 */
export function checkEndpointConfig(network: EndpointNetwork, config: EndpointConfig): void {
  if (!network.isUserDefined) {
    if (config.IPv4Address !== "") throw invalidArgument("user specified IP address is supported on user defined networks only");
    if (config.Aliases.length > 0) throw invalidArgument("network-scoped alias is supported only for containers in user defined networks");
    return;
  }
  if (config.IPv4Address === "") return;
  const invalid = (reason: string) => invalidArgument(`invalid config for network ${network.name}: invalid endpoint settings:\n${reason}`);
  if (!network.userSubnet) throw invalid("user specified IP address is supported only when connecting to networks with user configured subnets");
  if (!subnetContains(parseSubnet(network.subnet), parseIpv4(config.IPv4Address) ?? -1)) {
    throw invalid(`no configured subnet or ip-range contain the IP address ${config.IPv4Address}`);
  }
}
