import { describe, expect, it } from "vitest";
import { parseMacAddress } from "./mac-address.js";
import { parseNetworkFlags } from "./network-flags.js";

const none = { aliases: [], ip: "", macAddress: "" };

describe("--mac-address", () => {
  it("reads Go's three forms of six bytes, in docker's form", () => {
    expect(parseMacAddress("92:D0:C6:0A:29:33")).toBe("92:d0:c6:0a:29:33");
    expect(parseMacAddress("02-42-0a-00-00-07")).toBe("02:42:0a:00:00:07");
    expect(parseMacAddress("0242.0a00.0007")).toBe("02:42:0a:00:00:07");
  });

  it("refuses what is no unicast Ethernet address", () => {
    expect(() => parseMacAddress("92:d0:c6:0a:29")).toThrow("92:d0:c6:0a:29 is not a valid mac address");
    expect(() => parseMacAddress("92:d0:c6:0a:29:3g")).toThrow("92:d0:c6:0a:29:3g is not a valid mac address");
    expect(() => parseMacAddress("01:00:5e:00:00:01")).toThrow("01:00:5e:00:00:01 is not a valid mac address: a container's address must be unicast");
    expect(() => parseMacAddress("00:00:00:00:00:00")).toThrow("is not a valid mac address: it is all zeros");
  });
});

describe("--network", () => {
  it("gives the plain flags to the first network", () => {
    expect(parseNetworkFlags([], { aliases: [], ip: "", macAddress: "02:42:0A:C8:00:09" }))
      .toEqual({ mode: "default", endpoints: [["default", { Aliases: [], IPv4Address: "", MacAddress: "02:42:0a:c8:00:09" }]] });
    expect(parseNetworkFlags(["web", "db"], { aliases: ["api"], ip: "10.201.0.9", macAddress: "" })).toEqual({
      mode: "web", endpoints: [["web", { Aliases: ["api"], IPv4Address: "10.201.0.9" }], ["db", { Aliases: [], IPv4Address: "" }]],
    });
  });

  it("reads the advanced form, repeatable", () => {
    const flags = parseNetworkFlags(["name=web,alias=a,alias=b,ip=10.201.0.9,mac-address=92:d0:c6:0a:29:33", "NAME=db"], none);
    expect(flags).toEqual({
      mode: "web",
      endpoints: [["web", { Aliases: ["a", "b"], IPv4Address: "10.201.0.9", MacAddress: "92:d0:c6:0a:29:33" }], ["db", { Aliases: [], IPv4Address: "" }]],
    });
    expect(parseNetworkFlags(["name=bridge,mac-address=92:d0:c6:0a:29:33"], none).mode).toBe("bridge");
    expect(parseNetworkFlags([""], none)).toEqual({ mode: "default", endpoints: [["default", { Aliases: [], IPv4Address: "" }]] });
  });

  it("refuses with docker's messages", () => {
    expect(() => parseNetworkFlags(["alias=a"], none)).toThrow('invalid argument "alias=a" for "--network" flag: network name must be specified');
    expect(() => parseNetworkFlags(["name=web,color=red"], none)).toThrow("invalid field key color");
    expect(() => parseNetworkFlags(["name=web,ip6=fd00::9"], none)).toThrow("network option ip6 is not supported by berth");
    expect(() => parseNetworkFlags(["name=web,alias"], none)).toThrow("invalid field alias");
    expect(() => parseNetworkFlags(["name=web,ip=10.1"], none)).toThrow("invalid IPv4address: 10.1");
    expect(() => parseNetworkFlags(["name=web,mac-address=01:00:5e:00:00:01"], none)).toThrow("is not a valid mac address");
    expect(() => parseNetworkFlags(["name=web,alias=-x"], none)).toThrow('invalid alias "-x"');
    expect(() => parseNetworkFlags(["web", "name=web"], none)).toThrow('network "web" is specified multiple times');
    expect(() => parseNetworkFlags(["bridge", "web"], none)).toThrow("conflicting options: cannot attach both user-defined and non-user-defined network-modes");
    expect(() => parseNetworkFlags(["bridge", "host"], none)).toThrow("Container cannot be connected to network endpoints: bridge, host");
    expect(() => parseNetworkFlags(["name=web,alias=a"], { ...none, aliases: ["b"] })).toThrow("conflicting options: cannot specify both --network-alias and per-network alias");
    expect(() => parseNetworkFlags(["name=web,ip=10.201.0.9"], { ...none, ip: "10.201.0.8" })).toThrow("cannot specify both --ip and per-network IPv4 address");
    expect(() => parseNetworkFlags(["name=web,mac-address=92:d0:c6:0a:29:33"], { ...none, macAddress: "92:d0:c6:0a:29:34" }))
      .toThrow("cannot specify both --mac-address and per-network MAC address");
    expect(() => parseNetworkFlags(["host"], { ...none, macAddress: "92:d0:c6:0a:29:33" })).toThrow("conflicting options: mac-address and the network mode");
    expect(() => parseNetworkFlags(["container:db"], { ...none, macAddress: "92:d0:c6:0a:29:33" })).toThrow("conflicting options: mac-address and the network mode");
    expect(() => parseNetworkFlags([], { ...none, ip: "10.1" })).toThrow('invalid argument "10.1" for "--ip" flag');
  });
});
