import { invalidArgument } from "../errors.js";
import { invalidFlagValue } from "../container/run-options.js";
import { parseIpv4 } from "./subnets.js";

// A container's /etc/hosts and /etc/resolv.conf as docker writes them (its legacy form, without an
// embedded DNS server), and the flags that shape them: `--add-host NAME:IP` (IP may be
// `host-gateway`), `--dns`, `--dns-search`, `--dns-option`.

export const HOST_GATEWAY = "host-gateway";

export interface ExtraHost {
  name: string;
  /** An address, or `host-gateway` (the gateway of the container's first network, at start). */
  address: string;
}

/** The `--dns*` flags, as HostConfig keeps them. */
export interface DnsSettings {
  dns: readonly string[];
  search: readonly string[];
  options: readonly string[];
}

const isIpv6 = (text: string) => text.includes(":") && /^[0-9a-fA-F:.]+$/.test(text);
const isIpAddress = (text: string) => parseIpv4(text) !== undefined || isIpv6(text);

/** `NAME:IP` or `NAME=IP` (docker's ValidateExtraHost); `[…]` around the address is allowed. */
export function parseExtraHost(text: string): ExtraHost {
  const separator = text.includes("=") ? "=" : ":";
  const at = text.indexOf(separator);
  const name = at < 0 ? "" : text.slice(0, at);
  if (name === "" || name.includes(":")) throw invalidFlagValue("--add-host", text, `bad format for add-host: "${text}"`);
  let address = text.slice(at + 1);
  if (address.length > 2 && address.startsWith("[") && address.endsWith("]")) address = address.slice(1, -1);
  if (address !== HOST_GATEWAY && !isIpAddress(address)) throw invalidFlagValue("--add-host", text, `invalid IP address in add-host: "${address}"`);
  return { name, address };
}

/** docker's checks of `--dns` (an IP address) and `--dns-search` (a domain, or `.` for none). */
export function checkDnsFlags(dns: readonly string[], search: readonly string[]): void {
  for (const address of dns) if (!isIpAddress(address)) throw invalidFlagValue("--dns", address, `${address} is not an ip address`);
  for (const domain of search) {
    const isDomain = domain === "." || (/^\.?[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*\.?$/.test(domain) && domain.length <= 255);
    if (!isDomain) throw invalidFlagValue("--dns-search", domain, `${domain} is not a valid domain`);
  }
}

/** docker's default /etc/hosts (tab-separated), then `extra` lines (`--add-host`, then the container's own and its peers'). */
export function hostsFileText(extra: readonly string[] = []): string {
  return [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    ...extra,
    "",
  ].join("\n");
}

/** The `--add-host` lines, `host-gateway` read as `gateway`. */
export function extraHostLines(hosts: readonly ExtraHost[], gateway: string): string[] {
  return hosts.map((host) => `${host.address === HOST_GATEWAY ? gateway : host.address}\t${host.name}`);
}

const isLocalhost = (address: string) => address.startsWith("127.") || address === "::1";
const values = (lines: readonly string[], key: string) =>
  lines.flatMap((line) => (new RegExp(`^\\s*${key}\\s+(.*)$`).exec(line)?.[1] ?? "").split(/\s+/).filter((word) => word !== ""));

/**
 * docker's resolv.conf for a network without an embedded DNS server: the host's file with
 * localhost nameservers removed, and Google's servers when none remain. Any of `--dns`,
 * `--dns-search`, `--dns-option` replaces that part, and the file is then written as docker's
 * legacy Build writes it: search, nameservers, options (`--dns-search .` clears the search list).
 */
export function resolvConfText(hostText: string, settings: DnsSettings = { dns: [], search: [], options: [] }): string {
  const lines = hostText.split("\n").filter((line) => {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    return match === null || !isLocalhost(match[1]!);
  });
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  const fallback = ["8.8.8.8", "8.8.4.4"];
  if (settings.dns.length + settings.search.length + settings.options.length === 0) {
    if (values(lines, "nameserver").length === 0) lines.push(...fallback.map((address) => `nameserver ${address}`));
    return `${lines.join("\n")}\n`;
  }
  const hostServers = values(lines, "nameserver");
  const servers = settings.dns.length > 0 ? settings.dns : hostServers.length > 0 ? hostServers : fallback;
  const search = settings.search.length > 0 ? settings.search : values(lines, "search");
  const options = settings.options.length > 0 ? settings.options : values(lines, "options");
  const text = [
    ...(search.length > 0 && search.join(" ").trim() !== "." ? [`search ${search.join(" ")}`] : []),
    ...servers.map((address) => `nameserver ${address}`),
    ...(options.length > 0 ? [`options ${options.join(" ")}`] : []),
  ];
  return `${text.join("\n")}\n`;
}

/** An empty `--network-alias`/`--alias` is refused like a bad name. */
export function checkAliases(aliases: readonly string[]): void {
  for (const alias of aliases) if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(alias)) throw invalidArgument(`invalid alias "${alias}"`);
}
