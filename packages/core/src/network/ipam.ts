import { invalidArgument } from "../errors.js";
import { formatIpv4, formatSubnet, isHostAddress, parseCidr, parseIpv4, parseSubnet, subnetContains, type Subnet } from "./subnets.js";

// A bridge network's address plan (docker's IPAM config, one IPv4 subnet): `--subnet`,
// `--gateway`, `--ip-range` (the part of the subnet leases come from) and `--aux-address`
// (addresses never leased), with docker's messages, and the lease of the next free address.

export interface IpamOptions {
  subnet?: string;
  gateway?: string;
  /** `--ip-range` texts: docker takes one per subnet. */
  ipRange?: readonly string[];
  /** `--aux-address` texts: `name=IP`. */
  auxAddresses?: readonly string[];
}

export interface IpamPlan {
  /** The subnet the user gave, normalized; undefined to pick a free one. */
  subnet?: string;
  /** "" for the whole subnet. */
  ipRange: string;
  auxAddresses: Record<string, string>;
}

/** The create-time checks of `network create`'s address flags: everything but the gateway needs `--subnet`. */
export function parseIpamOptions(options: IpamOptions): IpamPlan {
  const subnet = options.subnet === undefined || options.subnet === "" ? undefined : parseSubnet(options.subnet);
  if (options.gateway !== undefined && subnet === undefined) throw invalidArgument("gateway needs a --subnet");
  const ranges = options.ipRange ?? [];
  if (ranges.length > 1) throw invalidArgument(`cannot configure multiple ranges (${ranges.join(", ")}) on the same subnet (${options.subnet ?? ""})`);
  const ipRange = ranges[0] === undefined ? "" : formatSubnet(checkIpRange(ranges[0], subnet));
  const auxAddresses: Record<string, string> = {};
  for (const text of options.auxAddresses ?? []) {
    const [name = "", address = ""] = splitOnce(text, "=");
    const value = parseIpv4(address);
    if (subnet === undefined || value === undefined || !subnetContains(subnet, value)) throw invalidArgument(`no matching subnet for aux-address ${address}`);
    auxAddresses[name] = address;
  }
  return { ...(subnet === undefined ? {} : { subnet: formatSubnet(subnet) }), ipRange, auxAddresses };
}

const splitOnce = (text: string, separator: string) => {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
};

function checkIpRange(text: string, subnet: Subnet | undefined): Subnet {
  const range = parseCidr(text);
  if (subnet === undefined || range.prefix < subnet.prefix || !subnetContains(subnet, range.base)) throw invalidArgument(`no matching subnet for range ${text}`);
  return range;
}

/** What a lease needs to know of a network. */
export interface AddressPool {
  subnet: string;
  gateway: string;
  /** "" for the whole subnet. */
  ipRange: string;
  /** JSON object of the aux addresses, as stored. */
  auxAddresses: string;
}

/** Addresses no container may have: the gateway and the aux addresses. */
export function reservedAddresses(pool: AddressPool): Set<string> {
  return new Set([pool.gateway, ...Object.values(JSON.parse(pool.auxAddresses) as Record<string, string>)]);
}

/** The lowest host address of the range (else the subnet) that is neither reserved nor in `taken`; undefined when none is left. */
export function nextFreeAddress(pool: AddressPool, taken: Iterable<string>): string | undefined {
  const subnet = parseSubnet(pool.subnet);
  const range = pool.ipRange === "" ? subnet : parseCidr(pool.ipRange);
  const used = new Set([...reservedAddresses(pool), ...taken]);
  for (let value = range.base; value < range.base + 2 ** (32 - range.prefix); value++) {
    const address = formatIpv4(value);
    if (isHostAddress(subnet, value) && !used.has(address)) return address;
  }
  return undefined;
}
