import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BerthError, macForAddress, networkMode, nextFreeAddress, parseContainerNetworks, parseSubnet,
  type EndpointConfig, type PortBindings, type PublishedPort,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import type { ContainerPaths } from "../containers/container-paths.js";
import type { ContainerRecord } from "../containers/container-store.js";
import { writeHostsFiles } from "./hosts-files.js";
import { createNetworkNamespace, pinNetworkNamespace } from "../containers/network-namespace.js";
import { withLock } from "../storage/lock.js";
import { ip, ipBatchInNamespace, setSysctl } from "./host-network.js";
import { removeFirewall, syncFirewall, type FirewallPort } from "./firewall.js";
import { bindHostPorts, closeServers, handOverPorts, releasePorts, type HeldPorts } from "./port-holder.js";
import { findNetwork, vethDevice, type NetworkRow } from "./network-store.js";
import { containerNetnsOf, publishedBindings } from "./network-mode.js";


// A container's network on the bridge, made before its process and released with its run:
// a lease (NetworkEndpoint row: address, MAC, veth, held ports), the bridge device on demand, a
// veth pair (eth0 inside, bv<hash> on the bridge), the default route, /etc/hosts, the held host
// ports and the root's firewall chains. Every change of leases, bridges and rules holds the
// root's `network` lock.

const NETWORK_LOCK = "network";
const IFF_UP = 0x1;
const holderPidFile = (paths: ContainerPaths) => join(paths.runDir, "ports.pid");

export const withNetworkLock = <T>(ctx: EngineContext, fn: () => Promise<T>) => withLock(ctx.paths.locks, NETWORK_LOCK, fn);

const isDefault = (network: NetworkRow) => network.name === "bridge";

/**
 * The bridge device up with the gateway address, its alias naming the root (`berth-<hash>`, so a
 * sweep finds every bridge of a root); route_localnet so 127.0.0.1 can reach published ports.
 */
export async function ensureBridge(ctx: EngineContext, network: NetworkRow): Promise<void> {
  if (await isBridgeUp(ctx, network.device)) return;
  const prefix = parseSubnet(network.subnet).prefix;
  await ip(["link", "add", network.device, "type", "bridge"], /File exists/);
  await ip(["link", "set", network.device, "alias", rootAlias(ctx.paths.rootHash)]);
  await ip(["addr", "replace", `${network.gateway}/${prefix}`, "dev", network.device]);
  await ip(["link", "set", network.device, "up"]);
  await setSysctl(`net.ipv4.conf.${network.device}.route_localnet`, "1");
}

export async function removeBridge(device: string): Promise<void> {
  await ip(["link", "del", device], /Cannot find device|does not exist/);
}

export const rootAlias = (rootHash: string) => `berth-${rootHash}`;

/**
 * Whether the bridge is already made and up under this root's alias: `ensureBridge` sets it up
 * last, so its earlier steps are done. Read from sysfs, so a start on a running bridge spawns no
 * `ip` while it holds the network lock.
 */
async function isBridgeUp(ctx: EngineContext, device: string): Promise<boolean> {
  const read = (name: string) => readFile(`/sys/class/net/${device}/${name}`, "utf8").then((text) => text.trim(), () => undefined);
  const [alias, flags] = await Promise.all([read("ifalias"), read("flags")]);
  return alias === rootAlias(ctx.paths.rootHash) && flags !== undefined && (Number(flags) & IFF_UP) !== 0;
}

/** Every bridge of a root (by alias) and its chains removed: the tests' sweep, whatever state a test left. */
export async function removeRootNetworking(rootHash: string): Promise<void> {
  const links = JSON.parse(await ip(["-j", "link", "show", "type", "bridge"])) as { ifname: string; ifalias?: string }[];
  for (const link of links) if (link.ifalias === rootAlias(rootHash)) await removeBridge(link.ifname);
  await removeFirewall(rootHash);
}

/** Rewrites the root's chains from the rows: bridges that exist and every held port. */
export async function syncRootFirewall(ctx: EngineContext): Promise<void> {
  const networks = await ctx.client.network.findMany({ where: { nodeId: ctx.nodeId }, include: { endpoints: true } });
  const live = networks.filter((network) => !isDefault(network) || network.endpoints.length > 0);
  const ports: FirewallPort[] = live.flatMap((network) => network.endpoints.flatMap((endpoint) =>
    (JSON.parse(endpoint.ports) as PublishedPort[]).map((port) => ({ ...port, device: network.device, address: endpoint.address }))));
  await syncFirewall(ctx, live.map((network) => ({ device: network.device, subnet: network.subnet, internal: network.internal })), ports);
}

/** The fixed address asked for (docker's `Address already in use` when a running container or the gateway has it), else the lowest free one. */
async function leaseAddress(ctx: EngineContext, network: NetworkRow, containerId: string, endpoint: EndpointConfig, ports: readonly PublishedPort[]): Promise<{ address: string; macAddress: string; hostDevice: string }> {
  const taken = (await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, networkId: network.id }, select: { address: true } })).map((row) => row.address);
  const fixed = endpoint.IPv4Address;
  if (fixed !== "" && (fixed === network.gateway || taken.includes(fixed))) throw new BerthError("CONFLICT", "failed to set up container networking: Address already in use");
  const address = fixed !== "" ? fixed : nextFreeAddress(parseSubnet(network.subnet), network.gateway, taken);
  if (address === undefined) throw new BerthError("UNAVAILABLE", `no available IPv4 addresses on network ${network.name}`);
  const aliases = endpoint.Aliases;
  const lease = { address, macAddress: macForAddress(address), hostDevice: vethDevice(network.id, containerId) };
  await ctx.client.networkEndpoint.create({ data: { nodeId: ctx.nodeId, networkId: network.id, containerId, ...lease, aliases: JSON.stringify(aliases), ports: JSON.stringify(ports) } });
  return lease;
}

/**
 * One endpoint: in one hold of the lock the bridge made on demand, the lease, the network's hosts
 * files and the root's rules; then the veth pair and the interface's address (and, for eth0, the
 * default route).
 */
export async function connectEndpoint(
  ctx: EngineContext, network: NetworkRow, containerId: string, handle: string, ifname: string, endpoint: EndpointConfig, ports: readonly PublishedPort[] = [],
): Promise<string> {
  const lease = await withNetworkLock(ctx, async () => {
    await ensureBridge(ctx, network);
    const leased = await leaseAddress(ctx, network, containerId, endpoint, ports);
    await writeHostsFiles(ctx, [network.id]);
    await syncRootFirewall(ctx);
    return leased;
  });
  const prefix = parseSubnet(network.subnet).prefix;
  // Made inside the namespace with the peer put in the engine's own (the host's): no rename, no move.
  await ipBatchInNamespace(handle, [
    `link add ${ifname} address ${lease.macAddress} type veth peer name ${lease.hostDevice} netns ${process.pid}`,
    `addr add ${lease.address}/${prefix} dev ${ifname}`,
    `link set ${ifname} up`,
    ...(ifname === "eth0" && !network.internal ? [`route add default via ${network.gateway}`] : []),
  ]);
  await ip(["link", "set", lease.hostDevice, "master", network.device, "up"]);
  return lease.address;
}

/**
 * The hook of a start: the container's network namespace as its mode asks (`none`: loopback
 * only, `host`: the host's, `container:X`: X's, a bridge network: a new one with a veth per
 * network it joins — eth0 with the default route first), the published ports bound (a taken port
 * fails the start) and handed to their holder, NATed to the first network's address; the rules.
 */
export async function setUpContainerNetwork(ctx: EngineContext, record: ContainerRecord, paths: ContainerPaths): Promise<void> {
  const mode = networkMode(record.hostConfig);
  if (mode.kind === "host") return pinNetworkNamespace("/proc/self/ns/net", paths.netns);
  if (mode.kind === "container") return pinNetworkNamespace(await containerNetnsOf(ctx, mode.container), paths.netns);
  await createNetworkNamespace(paths.netns);
  if (mode.kind === "none") return;
  const joins = Object.entries(parseContainerNetworks(record.row.networks, record.hostConfig));
  if (joins.length === 0) return;
  const networks = await Promise.all(joins.map(([name]) => findNetwork(ctx, name)));
  let held: HeldPorts | undefined;
  try {
    held = await bindHostPorts(publishedBindings(record.config, record.hostConfig as { PortBindings: PortBindings; PublishAllPorts: boolean }));
    // The held ports are the first network's: docker publishes on the container's first endpoint.
    for (const [index, [, endpoint]] of joins.entries()) await connectEndpoint(ctx, networks[index]!, record.row.id, paths.netns, `eth${index}`, endpoint, index === 0 ? held.ports : []);
    await handOverPorts(held, holderPidFile(paths));
  } catch (error) {
    if (held) closeServers(held.servers);
    throw error;
  }
}

/**
 * The release of a run (also of a half-made start, and idempotent): the port holder ended, the
 * veths deleted, the leases given back, an idle default bridge removed, the rules rewritten.
 */
export async function releaseContainerNetwork(ctx: EngineContext, id: string, paths: ContainerPaths): Promise<void> {
  await releasePorts(holderPidFile(paths));
  const endpoints = await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, containerId: id }, include: { network: true } });
  if (endpoints.length === 0) return;
  await withNetworkLock(ctx, async () => {
    for (const endpoint of endpoints) await dropEndpoint(ctx, endpoint);
    await writeHostsFiles(ctx, endpoints.map((endpoint) => endpoint.networkId));
    await syncRootFirewall(ctx);
  });
}

/** Under the lock: the veth deleted (its peer in the container goes with it), the lease given back, an idle default bridge removed. */
export async function dropEndpoint(ctx: EngineContext, endpoint: { networkId: string; containerId: string; hostDevice: string; network: NetworkRow }): Promise<void> {
  await ip(["link", "del", endpoint.hostDevice], /Cannot find device|does not exist/);
  await ctx.client.networkEndpoint.deleteMany({ where: { nodeId: ctx.nodeId, networkId: endpoint.networkId, containerId: endpoint.containerId } });
  const left = await ctx.client.networkEndpoint.count({ where: { nodeId: ctx.nodeId, networkId: endpoint.networkId } });
  if (left === 0 && isDefault(endpoint.network)) await removeBridge(endpoint.network.device);
}
