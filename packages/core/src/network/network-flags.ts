import { invalidArgument } from "../errors.js";
import { flagValue } from "../container/run-options.js";
import { checkAliases } from "./etc-files.js";
import { parseIpFlag, type EndpointConfig } from "./endpoint-config.js";
import { parseMacAddress } from "./mac-address.js";
import { parseIpv4 } from "./subnets.js";

// `--network` as docker's CLI reads it: a mode or a network, or the advanced form
// `name=NET,alias=A,ip=IP,mac-address=M`; repeatable, so a container joins several user
// networks at create. `--network-alias`, `--ip` and `--mac-address` go to the first network.

export interface NetworkFlags {
  /** HostConfig.NetworkMode: the first network, "default" without `--network`. */
  mode: string;
  /** Each network as named, in order (the first is eth0), with what the container asks of it. */
  endpoints: [string, EndpointConfig][];
}

/** `--network-alias`, `--ip` and `--mac-address`. */
export interface FirstEndpointFlags {
  aliases: readonly string[];
  ip: string;
  macAddress: string;
}

interface Attachment { target: string; aliases: string[]; ip: string; macAddress: string }

const UNSUPPORTED_KEYS = ["ip6", "link-local-ip", "driver-opt", "gw-priority"];

function parseAttachment(text: string): Attachment {
  const attachment: Attachment = { target: text === "" ? "default" : text, aliases: [], ip: "", macAddress: "" };
  if (!text.includes("=")) return attachment;
  attachment.target = "";
  for (const field of text.split(",")) {
    const at = field.indexOf("=");
    const key = field.slice(0, at).trim().toLowerCase();
    const value = field.slice(at + 1).trim();
    if (at < 0 || key === "") throw invalidArgument(`invalid field ${field}`);
    if (key === "name") attachment.target = value;
    else if (key === "alias") attachment.aliases.push(value);
    else if (key === "ip") attachment.ip = value;
    else if (key === "mac-address") attachment.macAddress = value;
    else if (UNSUPPORTED_KEYS.includes(key)) throw invalidArgument(`network option ${key} is not supported by berth (no IPv6, no driver options)`);
    else throw invalidArgument(`invalid field key ${key}`);
  }
  if (attachment.target === "") throw invalidArgument("network name must be specified");
  return attachment;
}

const isUserDefined = (target: string) => !["default", "bridge", "host", "none"].includes(target) && !target.startsWith("container:");

/** The first network takes the plain flags, unless it set the same thing itself (docker's conflicts). */
function applyFirstEndpointFlags(first: Attachment, flags: FirstEndpointFlags): void {
  const conflict = (flag: string, what: string) => invalidArgument(`conflicting options: cannot specify both ${flag} and per-network ${what}`);
  if (flags.aliases.length > 0) {
    if (first.aliases.length > 0) throw conflict("--network-alias", "alias");
    first.aliases = [...flags.aliases];
  }
  if (flags.ip !== "") {
    if (first.ip !== "") throw conflict("--ip", "IPv4 address");
    first.ip = parseIpFlag("--ip", flags.ip);
  }
  if (flags.macAddress !== "") {
    if (first.macAddress !== "") throw conflict("--mac-address", "MAC address");
    first.macAddress = flags.macAddress;
  }
}

function endpointConfig(attachment: Attachment): EndpointConfig {
  checkAliases(attachment.aliases);
  if (attachment.ip !== "" && parseIpv4(attachment.ip) === undefined) throw invalidArgument(`invalid IPv4address: ${attachment.ip}`);
  const mac = attachment.macAddress === "" ? {} : { MacAddress: parseMacAddress(attachment.macAddress) };
  return { Aliases: attachment.aliases, IPv4Address: attachment.ip, ...mac };
}

/** docker's checks: each network once; several only when all are user networks; a MAC needs a bridge network. */
export function parseNetworkFlags(texts: readonly string[], flags: FirstEndpointFlags): NetworkFlags {
  const attachments = (texts.length === 0 ? ["default"] : texts).map((text) => flagValue("--network", text, parseAttachment));
  const first = attachments[0]!;
  applyFirstEndpointFlags(first, flags);
  const targets = attachments.map((attachment) => attachment.target);
  const repeated = targets.find((target, index) => targets.indexOf(target) !== index);
  if (repeated !== undefined) throw invalidArgument(`network "${repeated}" is specified multiple times`);
  const userDefined = targets.filter(isUserDefined).length;
  if (userDefined > 0 && userDefined < targets.length) throw invalidArgument("conflicting options: cannot attach both user-defined and non-user-defined network-modes");
  if (userDefined === 0 && targets.length > 1) throw invalidArgument(`Container cannot be connected to network endpoints: ${targets.join(", ")}`);
  if (first.macAddress !== "" && !["default", "bridge"].includes(first.target) && !isUserDefined(first.target)) {
    throw invalidArgument("conflicting options: mac-address and the network mode");
  }
  return { mode: first.target, endpoints: attachments.map((attachment) => [attachment.target, endpointConfig(attachment)]) };
}
