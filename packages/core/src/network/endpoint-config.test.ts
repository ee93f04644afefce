import { describe, expect, it } from "vitest";
import { checkEndpointConfig, networkMode, parseContainerNetworks, parseIpFlag } from "./endpoint-config.js";
import { checkAliases } from "./etc-files.js";

describe("endpoint settings", () => {
  const web = { name: "web", isUserDefined: true, subnet: "10.201.77.0/24", userSubnet: true };

  it("allows aliases and an address inside a user-given subnet", () => {
    expect(() => checkEndpointConfig(web, { Aliases: ["db"], IPv4Address: "10.201.77.9" })).not.toThrow();
    expect(() => checkAliases(["db", "db.local"])).not.toThrow();
    expect(() => checkAliases([""])).toThrow('invalid alias ""');
  });

  it("refuses with docker's messages", () => {
    const bridge = { name: "bridge", isUserDefined: false, subnet: "10.200.0.0/24", userSubnet: false };
    expect(() => checkEndpointConfig(bridge, { Aliases: [], IPv4Address: "10.200.0.9" })).toThrow("user specified IP address is supported on user defined networks only");
    expect(() => checkEndpointConfig(bridge, { Aliases: ["x"], IPv4Address: "" })).toThrow("network-scoped alias is supported only for containers in user defined networks");
    expect(() => checkEndpointConfig({ ...web, userSubnet: false }, { Aliases: [], IPv4Address: "10.201.77.9" }))
      .toThrow("invalid config for network web: invalid endpoint settings:\nuser specified IP address is supported only when connecting to networks with user configured subnets");
    expect(() => checkEndpointConfig(web, { Aliases: [], IPv4Address: "10.99.0.5" })).toThrow("no configured subnet or ip-range contain the IP address 10.99.0.5");
    expect(() => parseIpFlag("--ip", "10.1")).toThrow('invalid argument "10.1" for "--ip" flag: invalid string being converted to IP address: 10.1');
  });
});

describe("a container's networks", () => {
  it("reads --network's values like docker", () => {
    expect(networkMode({ NetworkMode: "default" })).toEqual({ kind: "bridge", network: "bridge" });
    expect(networkMode({ NetworkMode: "web" })).toEqual({ kind: "bridge", network: "web" });
    expect(networkMode({ NetworkMode: "container:db" })).toEqual({ kind: "container", container: "db" });
    expect(networkMode({ NetworkMode: "none" })).toEqual({ kind: "none" });
  });

  it("reads the stored networks, or for a row from before they were stored its mode's", () => {
    const stored = { web: { Aliases: ["db"], IPv4Address: "10.1.1.5" } };
    expect(parseContainerNetworks(JSON.stringify(stored), { NetworkMode: "bridge" })).toEqual(stored);
    expect(parseContainerNetworks("{}", { NetworkMode: "web" })).toEqual({});
    expect(parseContainerNetworks(null, { NetworkMode: "default" })).toEqual({ bridge: { Aliases: [], IPv4Address: "" } });
    expect(parseContainerNetworks(null, { NetworkMode: "host" })).toEqual({});
  });
});
