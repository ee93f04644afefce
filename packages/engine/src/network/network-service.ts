import { createHash, randomBytes } from "node:crypto";
import {
  BerthError, checkAliases, checkEndpointConfig, conflict, formatRfc3339Nano, formatSubnet, gatewayFor, invalidArgument, networkMode,
  parseContainerNetworks, parseIpFlag, parseIpamOptions, parseSubnet,
  type NetworkCreateOptions, type NetworkService, type NetworkSummary,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { containerPaths } from "../containers/container-paths.js";
import { withContainerLock } from "../containers/container-cleanup.js";
import { findContainer, loadContainer, noSuchContainer, updateContainer } from "../containers/container-store.js";
import { endpointNetwork } from "./network-mode.js";
import { connectEndpoint, dropEndpoints, ensureBridges, removeBridge, syncRootFirewall, withNetworkLock } from "./container-network.js";
import { writeHostsFiles } from "./hosts-files.js";
import { DEFAULT_NETWORK, bridgeDevice, chooseSubnet, defaultNetwork, findNetwork, type NetworkRow } from "./network-store.js";

// `network create|ls|inspect|rm|prune|connect|disconnect`. host and none are docker's
// predefined pseudo-networks (no row, nothing to make); bridge is the default network's row.

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const PREDEFINED = ["bridge", "host", "none"] as const;
const pseudoId = (ctx: EngineContext, name: string) => createHash("sha256").update(`${name}:${ctx.nodeId}`).digest("hex");

function summary(row: NetworkRow): NetworkSummary {
  return { id: row.id, name: row.name, driver: row.driver, scope: "local", created: row.createdAt, internal: row.internal, labels: JSON.parse(row.labels) as Record<string, string> };
}

async function event(ctx: EngineContext, action: string, network: NetworkRow, extra: Record<string, string> = {}): Promise<void> {
  await ctx.events.record({ type: "network", action, objectId: network.id, attributes: { name: network.name, type: network.driver, ...extra } });
}

async function createNetwork(ctx: EngineContext, options: NetworkCreateOptions): Promise<{ id: string }> {
  const { name } = options;
  if (!VALID_NAME.test(name)) throw invalidArgument(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  if ((options.driver ?? "bridge") !== "bridge") throw invalidArgument(`plugin "${options.driver}" not found: berth has the bridge driver only`);
  const ipam = parseIpamOptions(options);
  const row = await withNetworkLock(ctx, async () => {
    const taken = (PREDEFINED as readonly string[]).includes(name) || (await ctx.client.network.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name } } })) !== null;
    if (taken) throw conflict(`network with name ${name} already exists`);
    const id = randomBytes(32).toString("hex");
    const subnet = await chooseSubnet(ctx, ipam.subnet, randomBytes(2).readUInt16BE());
    const gateway = gatewayFor(subnet, options.gateway);
    const created = await ctx.client.network.create({
      data: {
        nodeId: ctx.nodeId, id, name, subnet: formatSubnet(subnet), gateway, internal: options.internal ?? false, userSubnet: ipam.subnet !== undefined,
        ipRange: ipam.ipRange, auxAddresses: JSON.stringify(ipam.auxAddresses), device: bridgeDevice(ctx, id), labels: JSON.stringify(options.labels ?? {}),
      },
    });
    try {
      await ensureBridges(ctx, [{ network: created }]);
      await syncRootFirewall(ctx);
    } catch (error) {
      await removeBridge(created.device);
      await ctx.client.network.delete({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
      await syncRootFirewall(ctx);
      throw error;
    }
    return created;
  });
  await event(ctx, "create", row);
  return { id: row.id };
}

async function listNetworks(ctx: EngineContext, filters: Record<string, string[]> = {}): Promise<NetworkSummary[]> {
  await defaultNetwork(ctx);
  const rows = await ctx.client.network.findMany({ where: { nodeId: ctx.nodeId }, orderBy: { createdAt: "asc" } });
  const pseudo = (["host", "none"] as const).map((name): NetworkSummary => ({
    id: pseudoId(ctx, name), name, driver: name === "host" ? "host" : "null", scope: "local", created: rows[0]?.createdAt ?? new Date(0), internal: false, labels: {},
  }));
  const all = [...rows.map(summary), ...pseudo];
  const matches = (network: NetworkSummary) => Object.entries(filters).every(([key, values]) => values.some((value) => {
    if (key === "name") return network.name.includes(value);
    if (key === "id") return network.id.startsWith(value);
    if (key === "driver") return network.driver === value;
    if (key === "label") {
      const [labelKey = "", labelValue] = value.split("=");
      return labelValue === undefined ? labelKey in network.labels : network.labels[labelKey] === labelValue;
    }
    throw invalidArgument(`invalid filter '${key}'`);
  }));
  return all.filter(matches);
}

async function inspectNetwork(ctx: EngineContext, text: string): Promise<Record<string, unknown>> {
  if (text === "host" || text === "none") {
    return {
      Name: text, Id: pseudoId(ctx, text), Created: formatRfc3339Nano(new Date(0)), Scope: "local", Driver: text === "host" ? "host" : "null", EnableIPv6: false,
      IPAM: { Driver: "default", Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false, ConfigFrom: { Network: "" }, ConfigOnly: false,
      Containers: {}, Options: {}, Labels: {},
    };
  }
  const row = await findNetwork(ctx, text);
  const endpoints = await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, networkId: row.id }, include: { container: true } });
  const prefix = parseSubnet(row.subnet).prefix;
  const auxAddresses = JSON.parse(row.auxAddresses) as Record<string, string>;
  const ipamConfig = {
    Subnet: row.subnet, ...(row.ipRange === "" ? {} : { IPRange: row.ipRange }), Gateway: row.gateway,
    ...(Object.keys(auxAddresses).length === 0 ? {} : { AuxiliaryAddresses: auxAddresses }),
  };
  return {
    Name: row.name,
    Id: row.id,
    Created: formatRfc3339Nano(row.createdAt),
    Scope: "local",
    Driver: row.driver,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: {}, Config: [ipamConfig] },
    Internal: row.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: Object.fromEntries(endpoints.map((endpoint) => [endpoint.containerId, {
      Name: endpoint.container.name, EndpointID: "", MacAddress: endpoint.macAddress, IPv4Address: `${endpoint.address}/${prefix}`, IPv6Address: "",
    }])),
    Options: { "com.docker.network.bridge.name": row.device },
    Labels: JSON.parse(row.labels) as Record<string, string>,
  };
}

/** Under the lock: a user network without endpoints goes (bridge, row, rules). */
async function removeLocked(ctx: EngineContext, row: NetworkRow): Promise<void> {
  const users = await ctx.client.networkEndpoint.count({ where: { nodeId: ctx.nodeId, networkId: row.id } });
  if (users > 0) throw conflict(`error while removing network: network ${row.name} id ${row.id} has active endpoints`);
  await removeBridge(row.device);
  await ctx.client.network.delete({ where: { nodeId_id: { nodeId: ctx.nodeId, id: row.id } } });
  await syncRootFirewall(ctx);
}

async function removeNetwork(ctx: EngineContext, text: string): Promise<void> {
  if ((PREDEFINED as readonly string[]).includes(text)) throw new BerthError("PERMISSION_DENIED", `${text} is a pre-defined network and cannot be removed`);
  const row = await findNetwork(ctx, text);
  if (row.name === DEFAULT_NETWORK) throw new BerthError("PERMISSION_DENIED", `${row.name} is a pre-defined network and cannot be removed`);
  await withNetworkLock(ctx, () => removeLocked(ctx, row));
  await event(ctx, "destroy", row);
}

async function pruneNetworks(ctx: EngineContext): Promise<string[]> {
  const removed: string[] = [];
  for (const row of await ctx.client.network.findMany({ where: { nodeId: ctx.nodeId, NOT: { name: DEFAULT_NETWORK } }, orderBy: { name: "asc" } })) {
    const gone = await withNetworkLock(ctx, async () => {
      if ((await ctx.client.networkEndpoint.count({ where: { nodeId: ctx.nodeId, networkId: row.id } })) > 0) return false;
      await removeLocked(ctx, row);
      return true;
    });
    if (gone) {
      await event(ctx, "destroy", row);
      removed.push(row.name);
    }
  }
  return removed;
}

const isLive = (state: string) => state === "running" || state === "paused";

/**
 * Records the network among those the container joins (so a restart keeps it, as docker does);
 * a live container gets its veth now. Under the container's lock, so no start runs meanwhile.
 */
async function connectContainer(ctx: EngineContext, networkText: string, containerText: string, options: { aliases?: string[]; ip?: string }): Promise<void> {
  const network = await findNetwork(ctx, networkText);
  const { row } = await findContainer(ctx, containerText);
  const endpoint = { Aliases: options.aliases ?? [], IPv4Address: parseIpFlag("--ip", options.ip ?? "") };
  checkAliases(endpoint.Aliases);
  checkEndpointConfig(endpointNetwork(network), endpoint);
  await withContainerLock(ctx, row.id, async () => {
    const record = await loadContainer(ctx, row.id);
    if (!record) throw noSuchContainer(containerText);
    if (networkMode(record.hostConfig).kind !== "bridge") throw conflict(`container ${row.name} has no bridge network to add to (its network mode is ${record.hostConfig.NetworkMode})`);
    const joined = parseContainerNetworks(record.row.networks, record.hostConfig);
    if (joined[network.name] !== undefined) throw conflict(`endpoint with name ${row.name} already exists in network ${network.name}`);
    if (isLive(record.row.state)) {
      const count = await ctx.client.networkEndpoint.count({ where: { nodeId: ctx.nodeId, containerId: row.id } });
      await connectEndpoint(ctx, network, row.id, containerPaths(ctx.paths, row.id).netns, `eth${count}`, endpoint);
    }
    await updateContainer(ctx, record, { networks: JSON.stringify({ ...joined, [network.name]: endpoint }) });
  });
  await event(ctx, "connect", network, { container: row.id });
}

/** Takes the network out of those the container joins; a live container loses its veth now. */
async function disconnectContainer(ctx: EngineContext, networkText: string, containerText: string): Promise<void> {
  const network = await findNetwork(ctx, networkText);
  const { row } = await findContainer(ctx, containerText);
  await withContainerLock(ctx, row.id, async () => {
    const record = await loadContainer(ctx, row.id);
    if (!record) throw noSuchContainer(containerText);
    const { [network.name]: recorded, ...rest } = parseContainerNetworks(record.row.networks, record.hostConfig);
    const where = { nodeId_networkId_containerId: { nodeId: ctx.nodeId, networkId: network.id, containerId: row.id } };
    const live = await ctx.client.networkEndpoint.findUnique({ where, include: { network: true } });
    if (recorded === undefined && live === null) throw conflict(`container ${row.id} is not connected to network ${network.name}`);
    if (live !== null) {
      await withNetworkLock(ctx, () => dropEndpoints(ctx, [live]));
    }
    await updateContainer(ctx, record, { networks: JSON.stringify(rest) });
  });
  await event(ctx, "disconnect", network, { container: row.id });
}

export function createNetworkService(ctx: EngineContext): NetworkService {
  return {
    create: (options) => createNetwork(ctx, options),
    list: (options) => listNetworks(ctx, options?.filters),
    inspect: (text) => inspectNetwork(ctx, text),
    remove: (text) => removeNetwork(ctx, text),
    prune: () => pruneNetworks(ctx),
    connect: (network, container, options) => connectContainer(ctx, network, container, options ?? {}),
    disconnect: (network, container) => disconnectContainer(ctx, network, container),
  };
}
