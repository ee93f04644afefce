import { describe, expect, it } from "vitest";
import { checkDnsFlags, extraHostLines, hostsFileText, parseExtraHost, resolvConfText } from "./etc-files.js";

describe("--add-host", () => {
  it("reads NAME:IP, NAME=IP, [IP] and host-gateway", () => {
    expect(parseExtraHost("db:10.0.0.5")).toEqual({ name: "db", address: "10.0.0.5" });
    expect(parseExtraHost("db=10.0.0.5")).toEqual({ name: "db", address: "10.0.0.5" });
    expect(parseExtraHost("v6:[::1]")).toEqual({ name: "v6", address: "::1" });
    expect(parseExtraHost("gw:host-gateway")).toEqual({ name: "gw", address: "host-gateway" });
  });

  it("refuses what docker refuses, with its messages", () => {
    expect(() => parseExtraHost("nohost")).toThrow('invalid argument "nohost" for "--add-host" flag: bad format for add-host: "nohost"');
    expect(() => parseExtraHost(":10.0.0.1")).toThrow('bad format for add-host: ":10.0.0.1"');
    expect(() => parseExtraHost("db:300.1.1.1")).toThrow('invalid IP address in add-host: "300.1.1.1"');
    expect(() => parseExtraHost("db:example.com")).toThrow('invalid IP address in add-host: "example.com"');
  });

  it("writes the lines after docker's defaults, host-gateway as the gateway", () => {
    const lines = extraHostLines([parseExtraHost("db:10.0.0.5"), parseExtraHost("gw:host-gateway")], "10.200.1.1");
    expect(lines).toEqual(["10.0.0.5\tdb", "10.200.1.1\tgw"]);
    expect(hostsFileText([...lines, "10.200.1.2\tabc"]).split("\n").slice(-4)).toEqual(["10.0.0.5\tdb", "10.200.1.1\tgw", "10.200.1.2\tabc", ""]);
    expect(hostsFileText().split("\n")[0]).toBe("127.0.0.1\tlocalhost");
  });
});

describe("resolv.conf", () => {
  const host = "# a comment\nsearch lan\nnameserver 127.0.0.53\nnameserver 10.0.0.1\noptions ndots:1\n";

  it("keeps the host's file without localhost servers when no flag is given", () => {
    expect(resolvConfText(host)).toBe("# a comment\nsearch lan\nnameserver 10.0.0.1\noptions ndots:1\n");
    expect(resolvConfText("nameserver 127.0.0.1\nnameserver ::1\n")).toBe("nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });

  it("replaces each part a flag gives, the rest from the host", () => {
    expect(resolvConfText(host, { dns: ["1.1.1.1", "9.9.9.9"], search: [], options: [] })).toBe("search lan\nnameserver 1.1.1.1\nnameserver 9.9.9.9\noptions ndots:1\n");
    expect(resolvConfText(host, { dns: [], search: ["a.example", "b.example"], options: ["ndots:3", "timeout:1"] }))
      .toBe("search a.example b.example\nnameserver 10.0.0.1\noptions ndots:3 timeout:1\n");
    expect(resolvConfText(host, { dns: [], search: ["."], options: [] })).toBe("nameserver 10.0.0.1\noptions ndots:1\n");
    expect(resolvConfText("", { dns: [], search: ["x.example"], options: [] })).toBe("search x.example\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
  });

  it("checks --dns and --dns-search like docker", () => {
    expect(() => checkDnsFlags(["1.1.1.1", "::1"], ["example.com", "."])).not.toThrow();
    expect(() => checkDnsFlags(["dns.example"], [])).toThrow('invalid argument "dns.example" for "--dns" flag: dns.example is not an ip address');
    expect(() => checkDnsFlags([], ["bad domain"])).toThrow('invalid argument "bad domain" for "--dns-search" flag: bad domain is not a valid domain');
  });
});
