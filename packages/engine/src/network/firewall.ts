import { formatSubnet, parseSubnet, type PublishedPort } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { iptablesRestore, iptablesSave, setSysctl } from "./host-network.js";

// berth's firewall: iptables, in chains of its own named per root, rewritten whole from the
// database after every change (iptables-restore --noflush replaces just these chains, atomically;
// the jumps missing from one iptables-save go in with them, so a change is two processes).
// iptables rather than nftables because docker's FORWARD DROP policy lives in iptables' filter
// FORWARD chain: an accept in another nftables table cannot override it, a jump in that chain can.
// (Debian's iptables is iptables-nft: the rules are nftables rules in the `ip filter`/`ip nat`
// tables iptables and docker share.) With nothing of the root's left to forward, the chains and
// their jumps are removed.

export interface FirewallNetwork {
  device: string;
  subnet: string;
  internal: boolean;
}

export interface FirewallPort extends PublishedPort {
  device: string;
  address: string;
}

export const filterChain = (rootHash: string) => `BERTH-${rootHash}`;
export const dnatChain = (rootHash: string) => `BERTH-${rootHash}-DNAT`;
export const postChain = (rootHash: string) => `BERTH-${rootHash}-POST`;

type Jump = [table: string, chain: string, ...rule: string[]];

/** The jump rules into berth's chains, each as `[table, chain, ...match]`. */
function jumps(rootHash: string): Jump[] {
  return [
    ["filter", "FORWARD", "-j", filterChain(rootHash)],
    ["nat", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", dnatChain(rootHash)],
    ["nat", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", dnatChain(rootHash)],
    ["nat", "POSTROUTING", "-j", postChain(rootHash)],
  ];
}

const ownChains = (rootHash: string): [string, string][] => [["filter", filterChain(rootHash)], ["nat", dnatChain(rootHash)], ["nat", postChain(rootHash)]];

/** iptables-save's text split by table: each table's chain and rule lines. */
function savedTables(saved: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of saved.split("\n")) {
    if (line.startsWith("*")) tables.set(line.slice(1), (current = []));
    else current.push(line);
  }
  return tables;
}

/** How often a jump is in the ruleset (as iptables-save prints it). */
const jumpCount = (tables: Map<string, string[]>, [table, chain, ...rule]: Jump) =>
  (tables.get(table) ?? []).filter((line) => line === `-A ${chain} ${rule.join(" ")}`).length;

const hasChain = (tables: Map<string, string[]>, table: string, chain: string) =>
  (tables.get(table) ?? []).some((line) => line.startsWith(`:${chain} `));

/** The iptables-restore text of berth's chains for these networks and ports, plus the jumps `missing`. */
export function firewallRules(rootHash: string, networks: readonly FirewallNetwork[], ports: readonly FirewallPort[], missing: readonly Jump[] = []): string {
  const insert = (table: string) => missing.filter((jump) => jump[0] === table).map(([, chain, ...rule]) => `-I ${chain} 1 ${rule.join(" ")}`);
  const filter = filterChain(rootHash);
  const dnat = dnatChain(rootHash);
  const post = postChain(rootHash);
  const lines = ["*filter", `:${filter} - [0:0]`];
  for (const { device } of networks) {
    lines.push(
      `-A ${filter} -o ${device} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A ${filter} -o ${device} -m conntrack --ctstate DNAT -j ACCEPT`,
      `-A ${filter} -i ${device} -o ${device} -j ACCEPT`,
    );
  }
  // Nothing else enters a berth network (so networks are isolated from each other)…
  for (const { device } of networks) lines.push(`-A ${filter} -o ${device} -j DROP`);
  // …and what leaves one goes out, unless the network is internal.
  for (const { device, internal } of networks) lines.push(`-A ${filter} -i ${device} -j ${internal ? "DROP" : "ACCEPT"}`);
  lines.push(...insert("filter"), "COMMIT", "*nat", `:${dnat} - [0:0]`, `:${post} - [0:0]`);
  for (const port of ports) {
    const destination = port.hostIp === "" || port.hostIp === "0.0.0.0" ? "" : ` -d ${port.hostIp}/32`;
    lines.push(`-A ${dnat}${destination} ! -i ${port.device} -p ${port.protocol} -m ${port.protocol} --dport ${port.hostPort} -j DNAT --to-destination ${port.address}:${port.containerPort}`);
  }
  for (const { device, subnet, internal } of networks) {
    if (!internal) lines.push(`-A ${post} -s ${formatSubnet(parseSubnet(subnet))} ! -o ${device} -j MASQUERADE`);
    // A connection from the host's own address (127.0.0.1 included) to a published port.
    lines.push(`-A ${post} -o ${device} -m addrtype --src-type LOCAL -j MASQUERADE`);
  }
  lines.push(...insert("nat"), "COMMIT", "");
  return lines.join("\n");
}

/** The iptables-restore text that deletes every copy of the root's jumps and its chains found in `saved`. */
function removalRules(rootHash: string, saved: string): string {
  const tables = savedTables(saved);
  const text = ["filter", "nat"].flatMap((table) => {
    const lines = [
      ...jumps(rootHash).filter((jump) => jump[0] === table).flatMap((jump) => Array<string>(jumpCount(tables, jump)).fill(`-D ${jump.slice(1).join(" ")}`)),
      ...ownChains(rootHash).filter(([owner, chain]) => owner === table && hasChain(tables, table, chain)).flatMap(([, chain]) => [`-F ${chain}`, `-X ${chain}`]),
    ];
    return lines.length === 0 ? [] : [`*${table}`, ...lines, "COMMIT"];
  });
  return text.length === 0 ? "" : `${text.join("\n")}\n`;
}

/** Removes the root's jumps and chains; idempotent (also the tests' sweep). */
export async function removeFirewall(rootHash: string): Promise<void> {
  const text = removalRules(rootHash, await iptablesSave());
  if (text !== "") await iptablesRestore(text);
}

/**
 * Makes the host's rules match the database: every bridge with a device and every held port.
 * Called under the root's network lock after each change.
 */
export async function syncFirewall(ctx: EngineContext, networks: readonly FirewallNetwork[], ports: readonly FirewallPort[]): Promise<void> {
  if (networks.length === 0) {
    await removeFirewall(ctx.paths.rootHash);
    return;
  }
  // Forwarding between the bridge and the host; docker sets the same.
  await setSysctl("net.ipv4.ip_forward", "1");
  const tables = savedTables(await iptablesSave());
  const missing = jumps(ctx.paths.rootHash).filter((jump) => jumpCount(tables, jump) === 0);
  await iptablesRestore(firewallRules(ctx.paths.rootHash, networks, ports, missing));
}
