import { invalidArgument } from "../errors.js";

// IPv4 subnets of bridge networks: parsing `--subnet`/`--gateway`, overlap checks against the
// host's routes and other networks, docker's MAC for an address.

export interface Subnet {
  /** The network address as a 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (match === null) return undefined;
  const parts = match.slice(1).map(Number);
  if (parts.some((part) => part > 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + part, 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

const size = (subnet: Subnet) => 2 ** (32 - subnet.prefix);

/** `10.89.0.5/24` → its network (`10.89.0.0/24`); throws INVALID_ARGUMENT (docker's `invalid CIDR address`). */
export function parseCidr(text: string): Subnet {
  const [address = "", prefixText = ""] = text.split("/");
  const base = parseIpv4(address);
  const prefix = /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : -1;
  if (base === undefined || prefix < 0 || prefix > 32) throw invalidArgument(`invalid CIDR address: ${text}`);
  return { base: base - (base % 2 ** (32 - prefix)), prefix };
}

/** A network's subnet: a CIDR with room for a gateway and a container (a /30 or larger). */
export function parseSubnet(text: string): Subnet {
  const subnet = parseCidr(text);
  if (subnet.prefix > 30) throw invalidArgument(`subnet ${text} is too small: berth needs a /30 or larger`);
  return subnet;
}

export function formatSubnet(subnet: Subnet): string {
  return `${formatIpv4(subnet.base)}/${subnet.prefix}`;
}

export function subnetsOverlap(a: Subnet, b: Subnet): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

export function subnetContains(subnet: Subnet, address: number): boolean {
  return address >= subnet.base && address < subnet.base + size(subnet);
}

/** Whether the address is neither the subnet's network address nor its broadcast. */
export function isHostAddress(subnet: Subnet, address: number): boolean {
  return address > subnet.base && address < subnet.base + size(subnet) - 1;
}

/** The gateway: the given one (checked to be a host address of the subnet) or the first host address. */
export function gatewayFor(subnet: Subnet, gateway?: string): string {
  if (gateway === undefined || gateway === "") return formatIpv4(subnet.base + 1);
  const value = parseIpv4(gateway);
  if (value === undefined) throw invalidArgument(`invalid gateway address: ${gateway}`);
  if (!isHostAddress(subnet, value)) {
    throw invalidArgument(`no matching subnet for gateway ${gateway}`);
  }
  return gateway;
}

/** docker's MAC for a container address: 02:42 then the address's four bytes. */
export function macForAddress(address: string): string {
  const value = parseIpv4(address) ?? 0;
  return ["02", "42", ...[24, 16, 8, 0].map((shift) => (Math.floor(value / 2 ** shift) % 256).toString(16).padStart(2, "0"))].join(":");
}

/**
 * The first /`prefix` in `pool` that overlaps none of `used`, starting the search at the
 * `start`-th candidate (a per-root offset, so roots made side by side rarely race for one).
 */
export function pickFreeSubnet(pool: Subnet, prefix: number, used: readonly Subnet[], start = 0): Subnet | undefined {
  const count = 2 ** (prefix - pool.prefix);
  for (let step = 0; step < count; step++) {
    const candidate = { base: pool.base + ((start + step) % count) * 2 ** (32 - prefix), prefix };
    if (!used.some((subnet) => subnetsOverlap(subnet, candidate))) return candidate;
  }
  return undefined;
}
