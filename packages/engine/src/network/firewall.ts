import { BerthError, formatSubnet, parseSubnet, type PublishedPort } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { iptables, iptablesRestore, setSysctl } from "./host-network.js";

// berth's firewall: iptables, in chains of its own named per root, rewritten whole from the
// database after every change (iptables-restore --noflush replaces just these chains, atomically).
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

/** The jump rules into berth's chains, each as `[table, chain, ...match]`. */
function jumps(rootHash: string): [string, string, ...string[]][] {
  return [
    ["filter", "FORWARD", "-j", filterChain(rootHash)],
    ["nat", "PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", dnatChain(rootHash)],
    ["nat", "OUTPUT", "-m", "addrtype", "--dst-type", "LOCAL", "-j", dnatChain(rootHash)],
    ["nat", "POSTROUTING", "-j", postChain(rootHash)],
  ];
}

/** The iptables-restore text of berth's chains for these networks and ports. */
export function firewallRules(rootHash: string, networks: readonly FirewallNetwork[], ports: readonly FirewallPort[]): string {
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
  lines.push("COMMIT", "*nat", `:${dnat} - [0:0]`, `:${post} - [0:0]`);
  for (const port of ports) {
    const destination = port.hostIp === "" || port.hostIp === "0.0.0.0" ? "" : ` -d ${port.hostIp}/32`;
    lines.push(`-A ${dnat}${destination} ! -i ${port.device} -p ${port.protocol} -m ${port.protocol} --dport ${port.hostPort} -j DNAT --to-destination ${port.address}:${port.containerPort}`);
  }
  for (const { device, subnet, internal } of networks) {
    if (!internal) lines.push(`-A ${post} -s ${formatSubnet(parseSubnet(subnet))} ! -o ${device} -j MASQUERADE`);
    // A connection from the host's own address (127.0.0.1 included) to a published port.
    lines.push(`-A ${post} -o ${device} -m addrtype --src-type LOCAL -j MASQUERADE`);
  }
  lines.push("COMMIT", "");
  return lines.join("\n");
}

async function ensureJump(table: string, chain: string, rule: readonly string[]): Promise<void> {
  if ((await iptables(["-t", table, "-C", chain, ...rule])).exitCode === 0) return;
  const added = await iptables(["-t", table, "-I", chain, "1", ...rule]);
  if (added.exitCode !== 0) throw new BerthError("INTERNAL", `iptables -t ${table} -I ${chain}: ${added.stderr.trim()}`);
}

/** Removes the root's jumps and chains; idempotent (also the tests' sweep). */
export async function removeFirewall(rootHash: string): Promise<void> {
  for (const [table, chain, ...rule] of jumps(rootHash)) {
    while ((await iptables(["-t", table, "-D", chain, ...rule])).exitCode === 0);
  }
  for (const [table, chain] of [["filter", filterChain(rootHash)], ["nat", dnatChain(rootHash)], ["nat", postChain(rootHash)]] as const) {
    if ((await iptables(["-t", table, "-F", chain])).exitCode === 0) await iptables(["-t", table, "-X", chain]);
  }
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
  await iptablesRestore(firewallRules(ctx.paths.rootHash, networks, ports));
  for (const [table, chain, ...rule] of jumps(ctx.paths.rootHash)) await ensureJump(table, chain, rule);
}
