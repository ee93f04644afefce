import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  BerthError, macForAddress, networkMode, nextFreeAddress, parseContainerNetworks, parseSubnet, reservedAddresses,
  type EndpointConfig, type PortBindings, type PublishedPort,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import type { ContainerPaths } from "../containers/container-paths.js";
import type { ContainerRecord } from "../containers/container-store.js";
import { writeHostsFiles } from "./hosts-files.js";
import { createNetworkNamespace, pinNetworkNamespace } from "../containers/network-namespace.js";
import { withLock } from "../storage/lock.js";
import { ip, ipBatch, ipBatchInNamespace, setSysctl } from "./host-network.js";
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
const holderPidFile = (paths: ContainerPaths) => join(paths.runDir, "ports.pid");

export const withNetworkLock = <T>(ctx: EngineContext, fn: () => Promise<T>) => withLock(ctx.paths.locks, NETWORK_LOCK, fn);

const isDefault = (network: NetworkRow) => network.name === "bridge";

/** ip's errors for a device already gone. */
const GONE = /Cannot find device|does not exist/;

/** Whether the device exists and is up (its flags in sysfs: no process). */
async function isUp(device: string): Promise<boolean | undefined> {
  const flags = await readFile(`/sys/class/net/${device}/flags`, "utf8").catch(() => undefined);
  return flags === undefined ? undefined : (Number.parseInt(flags, 16) & 1) === 1;
}

/**
 * The bridge devices up with their gateway address, each alias naming the root (`berth-<hash>`,
 * so a sweep finds every bridge of a root), and the veths' host ends `attach` put on their bridge:
 * one `ip -batch` (nothing for a bridge already up); route_localnet so 127.0.0.1 can reach
 * published ports.
 */
export async function ensureBridges(ctx: EngineContext, bridges: readonly { network: NetworkRow; attach?: string }[]): Promise<void> {
  const commands: string[] = [];
  for (const { network, attach } of bridges) {
    const up = await isUp(network.device);
    if (up !== true) {
      if (up === undefined) commands.push(`link add ${network.device} type bridge`);
      commands.push(
        `link set ${network.device} alias ${rootAlias(ctx.paths.rootHash)}`,
        `addr replace ${network.gateway}/${parseSubnet(network.subnet).prefix} dev ${network.device}`,
        `link set ${network.device} up`,
      );
    }
    if (attach !== undefined) commands.push(`link set ${attach} master ${network.device} up`);
  }
  await ipBatch(commands);
  for (const { network } of bridges) await setSysctl(`net.ipv4.conf.${network.device}.route_localnet`, "1");
}

export async function removeBridge(device: string): Promise<void> {
  await ip(["link", "del", device], GONE);
}

export const rootAlias = (rootHash: string) => `berth-${rootHash}`;

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

/**
 * The fixed address asked for (docker's `Address already in use` when a running container, the
 * gateway or an aux address has it), else the lowest free one of the range; the MAC asked for, else docker's.
 */
async function leaseAddress(ctx: EngineContext, network: NetworkRow, containerId: string, endpoint: EndpointConfig, ports: readonly PublishedPort[] = []): Promise<{ address: string; macAddress: string; hostDevice: string }> {
  const taken = (await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, networkId: network.id }, select: { address: true } })).map((row) => row.address);
  const fixed = endpoint.IPv4Address;
  if (fixed !== "" && (reservedAddresses(network).has(fixed) || taken.includes(fixed))) throw new BerthError("CONFLICT", "failed to set up container networking: Address already in use");
  const address = fixed !== "" ? fixed : nextFreeAddress(network, taken);
  if (address === undefined) throw new BerthError("UNAVAILABLE", `no available IPv4 addresses on network ${network.name}`);
  const aliases = endpoint.Aliases;
  const lease = { address, macAddress: endpoint.MacAddress || macForAddress(address), hostDevice: vethDevice(network.id, containerId) };
  await ctx.client.networkEndpoint.create({ data: { nodeId: ctx.nodeId, networkId: network.id, containerId, ...lease, aliases: JSON.stringify(aliases), ports: JSON.stringify(ports) } });
  return lease;
}

type Lease = Awaited<ReturnType<typeof leaseAddress>>;

/**
 * Inside the container's namespace: the veth pair made with its peer put straight into the
 * engine's own namespace (the host's: no rename, no move), the interface's address and, for eth0,
 * the default route.
 */
function vethCommands(network: NetworkRow, lease: Lease, ifname: string): string[] {
  return [
    `link add ${ifname} address ${lease.macAddress} type veth peer name ${lease.hostDevice} netns ${process.pid}`,
    `addr add ${lease.address}/${parseSubnet(network.subnet).prefix} dev ${ifname}`,
    `link set ${ifname} up`,
    ...(ifname === "eth0" && !network.internal ? [`route add default via ${network.gateway}`] : []),
  ];
}

/**
 * One endpoint of a running container (`network connect`): the lease, the veth, its host end on
 * the bridge, then the network's hosts files and the root's rules.
 */
export async function connectEndpoint(ctx: EngineContext, network: NetworkRow, containerId: string, handle: string, ifname: string, endpoint: EndpointConfig): Promise<string> {
  const lease = await withNetworkLock(ctx, () => leaseAddress(ctx, network, containerId, endpoint));
  await ipBatchInNamespace(handle, vethCommands(network, lease, ifname));
  await withNetworkLock(ctx, async () => {
    await ensureBridges(ctx, [{ network, attach: lease.hostDevice }]);
    await Promise.all([writeHostsFiles(ctx, [network.id]), syncRootFirewall(ctx)]);
  });
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
  const joins = mode.kind === "none" ? [] : Object.entries(parseContainerNetworks(record.row.networks, record.hostConfig));
  if (joins.length === 0) return createNetworkNamespace(paths.netns);
  const networks = await Promise.all(joins.map(([name]) => findNetwork(ctx, name)));
  let held: HeldPorts | undefined;
  try {
    held = await bindHostPorts(publishedBindings(record.config, record.hostConfig as { PortBindings: PortBindings; PublishAllPorts: boolean }));
    const ports = held.ports;
    await withNetworkLock(ctx, async () => {
      const leases: Lease[] = [];
      for (const [index, [, endpoint]] of joins.entries()) leases.push(await leaseAddress(ctx, networks[index]!, record.row.id, endpoint, index === 0 ? ports : []));
      // Side by side, one process or two each: the namespace made with its veths, addresses and
      // route (eth0 first), then the bridges and the veths' host ends on them; the hosts files; the rules.
      const veths = leases.flatMap((lease, index) => vethCommands(networks[index]!, lease, `eth${index}`));
      await Promise.all([
        createNetworkNamespace(paths.netns, veths).then(() => ensureBridges(ctx, networks.map((network, index) => ({ network, attach: leases[index]!.hostDevice })))),
        writeHostsFiles(ctx, networks.map((network) => network.id)),
        syncRootFirewall(ctx),
      ]);
    });
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
  const [, endpoints] = await Promise.all([
    releasePorts(holderPidFile(paths)),
    ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, containerId: id }, include: { network: true } }),
  ]);
  if (endpoints.length === 0) return;
  await withNetworkLock(ctx, () => dropEndpoints(ctx, endpoints));
}

/**
 * Under the lock: the leases given back, then side by side the hosts files, the rules and one
 * `ip -batch` deleting the veths (each peer in its container goes with it) and a default bridge
 * left idle.
 */
export async function dropEndpoints(ctx: EngineContext, endpoints: readonly { networkId: string; containerId: string; hostDevice: string; network: NetworkRow }[]): Promise<void> {
  const commands = endpoints.map((endpoint) => `link del ${endpoint.hostDevice}`);
  for (const endpoint of endpoints) {
    await ctx.client.networkEndpoint.deleteMany({ where: { nodeId: ctx.nodeId, networkId: endpoint.networkId, containerId: endpoint.containerId } });
    const left = await ctx.client.networkEndpoint.count({ where: { nodeId: ctx.nodeId, networkId: endpoint.networkId } });
    if (left === 0 && isDefault(endpoint.network)) commands.push(`link del ${endpoint.network.device}`);
  }
  const containerIds = [...new Set(endpoints.map((endpoint) => endpoint.containerId))];
  await Promise.all([ipBatch(commands, GONE), writeHostsFiles(ctx, endpoints.map((endpoint) => endpoint.networkId), containerIds), syncRootFirewall(ctx)]);
}
