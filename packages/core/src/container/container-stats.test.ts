import { describe, expect, it } from "vitest";
import { cpuPercent, memoryPercent, parseNetDev, parseSystemCpuNs } from "./container-stats.js";

describe("stats readings", () => {
  it("sums the first cpu line of /proc/stat (user to steal) in nanoseconds", () => {
    const stat = "cpu  100 5 50 1000 10 1 2 3 0 0\ncpu0 50 2 25 500 5 0 1 1 0 0\nintr 1 2\n";
    expect(parseSystemCpuNs(stat)).toBe((100 + 5 + 50 + 1000 + 10 + 1 + 2) * 10_000_000);
    expect(parseSystemCpuNs("")).toBe(0);
  });

  it("computes docker's CPU % from two samples and the online CPUs", () => {
    expect(cpuPercent({ cpuNs: 0, systemNs: 0 }, { cpuNs: 500_000_000, systemNs: 2_000_000_000 }, 2)).toBe(50);
    expect(cpuPercent({ cpuNs: 10, systemNs: 10 }, { cpuNs: 10, systemNs: 20 }, 2)).toBe(0);
    expect(cpuPercent({ cpuNs: 0, systemNs: 10 }, { cpuNs: 10, systemNs: 10 }, 2)).toBe(0);
  });

  it("gives memory % against the limit, 0 without one", () => {
    expect(memoryPercent(16, 64)).toBe(25);
    expect(memoryPercent(16, 0)).toBe(0);
  });

  it("counts the namespace's interfaces but loopback from /proc/net/dev", () => {
    const netDev = [
      "Inter-|   Receive                                                |  Transmit",
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed",
      "    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0",
      "  eth0:    2048      20    0    0    0     0          0         0      512       5    0    0    0     0       0          0",
      "  eth1:      10       1    0    0    0     0          0         0       20       1    0    0    0     0       0          0",
    ].join("\n");
    expect(parseNetDev(netDev)).toEqual({ rx: 2058, tx: 532 });
    expect(parseNetDev("")).toEqual({ rx: 0, tx: 0 });
  });
});
