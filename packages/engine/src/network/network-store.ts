import { createHash } from "node:crypto";
import {
  BerthError, conflict, formatSubnet, type ContainerNetworks, gatewayFor, notFound, parseSubnet, pickFreeSubnet, subnetsOverlap, type Subnet,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { hostRoutes } from "./host-network.js";

// Network rows: the default `bridge` (made on first use) and user networks; their bridge device
// names, which must be unique on the host across roots, and their subnets, which must not
// overlap a host route or another berth network.

export const DEFAULT_NETWORK = "bridge";
const DEFAULT_ROOT = "/var/lib/berth";
const POOL = parseSubnet("10.200.0.0/16");

export type NetworkRow = Awaited<ReturnType<EngineContext["client"]["network"]["findFirstOrThrow"]>>;

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

/** docker's network id: 64 hex. The default bridge's is fixed per node. */
export const defaultNetworkId = (ctx: EngineContext) => hash(`bridge:${ctx.nodeId}`);

/** `berth0` for the default root, `berth<9 hex of the root's hash>` otherwise; `bn<12 hex>` for a user network. */
export function bridgeDevice(ctx: EngineContext, networkId: string): string {
  if (networkId === defaultNetworkId(ctx)) return ctx.paths.root === DEFAULT_ROOT ? "berth0" : `berth${ctx.paths.rootHash.slice(0, 9)}`;
  return `bn${hash(`${ctx.paths.rootHash}:${networkId}`).slice(0, 12)}`;
}

/** The host side of a container's veth on a network: `bv<12 hex>`. */
export const vethDevice = (networkId: string, containerId: string) => `bv${hash(`${networkId}:${containerId}`).slice(0, 12)}`;

function routeSubnet(route: string): Subnet | undefined {
  try {
    const [address, prefix = "32"] = route.split("/");
    return { ...parseSubnet(`${address}/${Math.min(Number(prefix), 30)}`), prefix: Number(prefix) };
  } catch {
    return undefined;
  }
}

/** Subnets in use: the host's routes and this node's networks (but `except`). */
async function usedSubnets(ctx: EngineContext, except?: string): Promise<{ subnet: Subnet; what: string }[]> {
  const rows = await ctx.client.network.findMany({ where: { nodeId: ctx.nodeId } });
  const fromRoutes = (await hostRoutes()).flatMap((route) => {
    const subnet = routeSubnet(route);
    return subnet === undefined ? [] : [{ subnet, what: `a host route (${route})` }];
  });
  return [...rows.filter((row) => row.id !== except).map((row) => ({ subnet: parseSubnet(row.subnet), what: `network ${row.name}` })), ...fromRoutes];
}

/** A subnet for a new network: the asked one, checked for overlaps (docker's message), else a free /24 of the pool. */
export async function chooseSubnet(ctx: EngineContext, asked: string | undefined, start: number): Promise<Subnet> {
  const used = await usedSubnets(ctx);
  if (asked !== undefined && asked !== "") {
    const subnet = parseSubnet(asked);
    const clash = used.find((entry) => subnetsOverlap(entry.subnet, subnet));
    if (clash) throw new BerthError("CONFLICT", `Pool overlaps with other one on this address space: ${formatSubnet(subnet)} overlaps ${clash.what}`);
    return subnet;
  }
  const subnet = pickFreeSubnet(POOL, 24, used.map((entry) => entry.subnet), start);
  if (subnet === undefined) throw new BerthError("UNAVAILABLE", "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
  return subnet;
}

/** The default `bridge` network's row, made (with its subnet chosen) on first use. */
export async function defaultNetwork(ctx: EngineContext): Promise<NetworkRow> {
  const id = defaultNetworkId(ctx);
  const existing = await ctx.client.network.findUnique({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
  if (existing) return existing;
  const subnet = await chooseSubnet(ctx, ctx.settings.settings.bridge_subnet, Number.parseInt(ctx.paths.rootHash.slice(0, 4), 16));
  try {
    return await ctx.client.network.create({
      data: { nodeId: ctx.nodeId, id, name: DEFAULT_NETWORK, subnet: formatSubnet(subnet), gateway: gatewayFor(subnet), device: bridgeDevice(ctx, id) },
    });
  } catch (error) {
    // Parallel first starts race to make it: the loser reads the winner's row.
    if ((error as { code?: string }).code !== "P2002") throw error;
    return ctx.client.network.findUniqueOrThrow({ where: { nodeId_id: { nodeId: ctx.nodeId, id } } });
  }
}

/** A network by name, full id or unique id prefix (docker's lookup); NOT_FOUND otherwise. */
export async function findNetwork(ctx: EngineContext, text: string): Promise<NetworkRow> {
  if (text === DEFAULT_NETWORK) return defaultNetwork(ctx);
  const byName = await ctx.client.network.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name: text } } });
  if (byName) return byName;
  if (/^[0-9a-f]{1,64}$/.test(text)) {
    const byId = await ctx.client.network.findMany({ where: { nodeId: ctx.nodeId, id: { startsWith: text } }, take: 2 });
    if (byId.length === 1) return byId[0]!;
    if (byId.length > 1) throw conflict(`network ${text} is ambiguous (${byId.length} matches found based on ID prefix)`);
  }
  throw notFound(`network ${text} not found`);
}

/** What `host-gateway` stands for: the gateway of the container's first network, else the default bridge's. */
export async function hostGateway(ctx: EngineContext, networks: ContainerNetworks): Promise<string> {
  const first = Object.keys(networks)[0];
  return (await (first === undefined ? defaultNetwork(ctx) : findNetwork(ctx, first))).gateway;
}
