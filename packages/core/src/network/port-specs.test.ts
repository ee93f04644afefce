import { describe, expect, it } from "vitest";
import { formatPortLines, formatPortsColumn, parsePortSpecs } from "./port-specs.js";
import { gatewayFor, macForAddress, parseSubnet, pickFreeSubnet, subnetsOverlap } from "./subnets.js";
import { nextFreeAddress } from "./ipam.js";

describe("parsePortSpecs", () => {
  it("reads docker's -p forms", () => {
    expect(parsePortSpecs(["9020:8000"])).toEqual({ "8000/tcp": [{ HostIp: "", HostPort: "9020" }] });
    expect(parsePortSpecs(["80"])).toEqual({ "80/tcp": [{ HostIp: "", HostPort: "" }] });
    expect(parsePortSpecs(["127.0.0.1::53/udp"])).toEqual({ "53/udp": [{ HostIp: "127.0.0.1", HostPort: "" }] });
    expect(parsePortSpecs(["8000-8001:80-81"])).toEqual({ "80/tcp": [{ HostIp: "", HostPort: "8000" }], "81/tcp": [{ HostIp: "", HostPort: "8001" }] });
    expect(parsePortSpecs(["9000-9009:80"])).toEqual({ "80/tcp": [{ HostIp: "", HostPort: "9000-9009" }] });
    expect(parsePortSpecs(["1:80", "2:80"])["80/tcp"]).toHaveLength(2);
  });

  it("refuses bad specs with docker's messages", () => {
    expect(() => parsePortSpecs(["65536:80"])).toThrow("invalid hostPort: 65536");
    expect(() => parsePortSpecs(["80:0"])).toThrow("invalid containerPort: 0");
    expect(() => parsePortSpecs(["a:b:c:d"])).toThrow("invalid port format for --publish: a:b:c:d");
    expect(() => parsePortSpecs(["300.1.1.1:80:80"])).toThrow("invalid ip address: 300.1.1.1");
    expect(() => parsePortSpecs(["80/xtp"])).toThrow("invalid proto: xtp");
    expect(() => parsePortSpecs(["1-3:1-2"])).toThrow("invalid ranges specified for container and host Ports: 1-2 and 1-3");
    expect(() => parsePortSpecs([":"])).toThrow("no port specified: :<empty>");
  });
});

describe("PORTS column and port lines", () => {
  const ports = [
    { containerPort: 81, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 8001 },
    { containerPort: 80, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 8000 },
    { containerPort: 53, protocol: "udp", hostIp: "127.0.0.1", hostPort: 5353 },
  ];

  it("groups consecutive ports and lists exposed ones nothing publishes", () => {
    expect(formatPortsColumn(ports, ["80/tcp", "81/tcp", "53/udp", "443/tcp"])).toBe("0.0.0.0:8000-8001->80-81/tcp, 127.0.0.1:5353->53/udp, 443/tcp");
    expect(formatPortsColumn([], [])).toBe("");
  });

  it("prints docker's port lines", () => {
    expect(formatPortLines(ports)).toEqual(["80/tcp -> 0.0.0.0:8000", "81/tcp -> 0.0.0.0:8001", "53/udp -> 127.0.0.1:5353"]);
    expect(formatPortLines(ports, "80")).toEqual(["0.0.0.0:8000"]);
    expect(formatPortLines(ports, "53/udp")).toEqual(["127.0.0.1:5353"]);
  });
});

describe("subnets", () => {
  it("parses, checks overlaps, leases and picks free ones", () => {
    const subnet = parseSubnet("10.200.3.7/24");
    expect(subnet).toEqual({ base: parseSubnet("10.200.3.0/24").base, prefix: 24 });
    expect(() => parseSubnet("10.0.0.0/33")).toThrow("invalid CIDR address: 10.0.0.0/33");
    expect(subnetsOverlap(subnet, parseSubnet("10.200.3.128/25"))).toBe(true);
    expect(subnetsOverlap(subnet, parseSubnet("10.200.4.0/24"))).toBe(false);
    expect(gatewayFor(subnet)).toBe("10.200.3.1");
    expect(() => gatewayFor(subnet, "10.200.4.1")).toThrow("no matching subnet for gateway 10.200.4.1");
    const pool = (cidr: string, gateway: string) => ({ subnet: cidr, gateway, ipRange: "", auxAddresses: "{}" });
    expect(nextFreeAddress(pool("10.200.3.0/24", "10.200.3.1"), ["10.200.3.2", "10.200.3.4"])).toBe("10.200.3.3");
    expect(nextFreeAddress(pool("10.0.0.0/30", "10.0.0.1"), ["10.0.0.2"])).toBeUndefined();
    expect(macForAddress("172.17.0.2")).toBe("02:42:ac:11:00:02");
    expect(pickFreeSubnet(parseSubnet("10.200.0.0/16"), 24, [parseSubnet("10.200.0.0/23")])).toEqual(parseSubnet("10.200.2.0/24"));
    expect(pickFreeSubnet(parseSubnet("10.0.0.0/24"), 24, [parseSubnet("10.0.0.0/8")])).toBeUndefined();
  });
});
