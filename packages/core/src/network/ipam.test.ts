import { describe, expect, it } from "vitest";
import { nextFreeAddress, parseIpamOptions, reservedAddresses } from "./ipam.js";

describe("network create's address plan", () => {
  it("normalizes the subnet and range and keeps the aux addresses", () => {
    expect(parseIpamOptions({})).toEqual({ ipRange: "", auxAddresses: {} });
    expect(parseIpamOptions({ subnet: "10.201.0.9/16", ipRange: ["10.201.5.7/24"], auxAddresses: ["router=10.201.0.5", "dns=10.201.5.2"] }))
      .toEqual({ subnet: "10.201.0.0/16", ipRange: "10.201.5.0/24", auxAddresses: { router: "10.201.0.5", dns: "10.201.5.2" } });
    expect(parseIpamOptions({ subnet: "10.201.0.0/24", ipRange: ["10.201.0.16/32"] }).ipRange).toBe("10.201.0.16/32");
  });

  it("refuses with docker's messages", () => {
    expect(() => parseIpamOptions({ gateway: "10.1.0.1" })).toThrow("gateway needs a --subnet");
    expect(() => parseIpamOptions({ ipRange: ["10.201.5.0/24"] })).toThrow("no matching subnet for range 10.201.5.0/24");
    expect(() => parseIpamOptions({ subnet: "10.201.0.0/24", ipRange: ["10.202.0.0/28"] })).toThrow("no matching subnet for range 10.202.0.0/28");
    expect(() => parseIpamOptions({ subnet: "10.201.0.0/24", ipRange: ["10.201.0.0/23"] })).toThrow("no matching subnet for range 10.201.0.0/23");
    expect(() => parseIpamOptions({ subnet: "10.201.0.0/24", ipRange: ["10.201.0.0/28", "10.201.0.64/28"] }))
      .toThrow("cannot configure multiple ranges (10.201.0.0/28, 10.201.0.64/28) on the same subnet (10.201.0.0/24)");
    expect(() => parseIpamOptions({ subnet: "10.201.0.0/24", ipRange: ["10.201.0.0"] })).toThrow("invalid CIDR address: 10.201.0.0");
    expect(() => parseIpamOptions({ auxAddresses: ["a=10.201.0.5"] })).toThrow("no matching subnet for aux-address 10.201.0.5");
    expect(() => parseIpamOptions({ subnet: "10.201.0.0/24", auxAddresses: ["a=10.9.0.5"] })).toThrow("no matching subnet for aux-address 10.9.0.5");
    expect(() => parseIpamOptions({ subnet: "10.201.0.0/24", auxAddresses: ["a"] })).toThrow("no matching subnet for aux-address ");
  });
});

describe("leases", () => {
  const pool = { subnet: "10.201.0.0/24", gateway: "10.201.0.1", ipRange: "10.201.0.16/30", auxAddresses: JSON.stringify({ router: "10.201.0.17" }) };

  it("come from the range only, never the gateway or an aux address", () => {
    expect([...reservedAddresses(pool)]).toEqual(["10.201.0.1", "10.201.0.17"]);
    expect(nextFreeAddress(pool, [])).toBe("10.201.0.16");
    expect(nextFreeAddress(pool, ["10.201.0.16"])).toBe("10.201.0.18");
    expect(nextFreeAddress(pool, ["10.201.0.16", "10.201.0.18", "10.201.0.19"])).toBeUndefined();
  });

  it("skip the subnet's network and broadcast addresses when the range holds them", () => {
    const edges = { ...pool, ipRange: "10.201.0.252/30", auxAddresses: "{}" };
    expect(nextFreeAddress(edges, ["10.201.0.252", "10.201.0.253"])).toBe("10.201.0.254");
    expect(nextFreeAddress(edges, ["10.201.0.252", "10.201.0.253", "10.201.0.254"])).toBeUndefined();
    expect(nextFreeAddress({ ...pool, ipRange: "10.201.0.0/30", auxAddresses: "{}" }, [])).toBe("10.201.0.2");
  });
});
