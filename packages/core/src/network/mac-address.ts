import { invalidArgument } from "../errors.js";

// `--mac-address` and `--network …,mac-address=`: an Ethernet address in one of the forms Go's
// net.ParseMAC reads for 6 bytes (docker's check), that a veth can take: unicast, not all zeros.

const FORMS = [
  /^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i,
];

/** The address in docker's form (lower case, colons); INVALID_ARGUMENT with docker's message otherwise. */
export function parseMacAddress(text: string): string {
  const match = FORMS.map((form) => form.exec(text)).find((found) => found !== null);
  if (!match) throw invalidArgument(`${text} is not a valid mac address`);
  const bytes = match.slice(1).map((part) => part.toLowerCase());
  if (Number.parseInt(bytes[0]!, 16) % 2 === 1) throw invalidArgument(`${text} is not a valid mac address: a container's address must be unicast (the first byte even)`);
  if (bytes.every((part) => part === "00")) throw invalidArgument(`${text} is not a valid mac address: it is all zeros`);
  return bytes.join(":");
}
