import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { useE2eRoot } from "./test-support/container-e2e.js";

// --mac-address, docker's advanced --network form and network create's --ip-range and
// --aux-address through the real bin/berth as root. Traffic goes only to addresses berth gave its
// own containers.

const e2e = useE2eRoot("berth-cli-netends-");
const { berth } = e2e;
const ok = (args: string[]) => {
  const result = berth(args);
  expect(result.status, `berth ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
};

afterAll(() => {
  const ids = berth(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter((id) => id !== "");
  if (ids.length > 0) berth(["rm", "-f", ...ids]);
  berth(["network", "prune", "-f"]);
});

describe("MAC addresses and address ranges", () => {
  it("runs on a ranged network with a given MAC, shown by inspect and seen by a peer", () => {
    ok(["network", "create", "--subnet", "10.234.0.0/16", "--ip-range", "10.234.3.0/29", "--aux-address", "router=10.234.3.0", "--aux-address", "dns=10.234.3.1", "edge"]);
    expect(ok(["network", "inspect", "-f", "{{json .IPAM.Config}}", "edge"]))
      .toBe('[{"Subnet":"10.234.0.0/16","IPRange":"10.234.3.0/29","Gateway":"10.234.0.1","AuxiliaryAddresses":{"router":"10.234.3.0","dns":"10.234.3.1"}}]\n');
    ok(["run", "-d", "--name", "gate", "--network", "name=edge,alias=door,mac-address=92:d0:c6:0a:29:40", "busybox", "sleep", "300"]);
    expect(ok(["inspect", "-f", "{{.Config.MacAddress}} {{.NetworkSettings.Networks.edge.MacAddress}} {{.NetworkSettings.Networks.edge.IPAddress}} {{json .NetworkSettings.Networks.edge.Aliases}}", "gate"]))
      .toBe('92:d0:c6:0a:29:40 92:d0:c6:0a:29:40 10.234.3.2 ["door"]\n');
    expect(ok(["exec", "gate", "cat", "/sys/class/net/eth0/address"])).toBe("92:d0:c6:0a:29:40\n");
    const peer = ok(["run", "--rm", "--network", "edge", "--mac-address", "02-00-0A-EA-03-63", "busybox", "sh", "-c",
      "cat /sys/class/net/eth0/address; ping -c 1 -W 2 door >/dev/null && ip neigh show 10.234.3.2 | awk '{print $5}'"]);
    expect(peer).toBe("02:00:0a:ea:03:63\n92:d0:c6:0a:29:40\n");
    ok(["rm", "-f", "gate"]);
    ok(["network", "rm", "edge"]);
  }, 300_000);

  it("refuses bad values with docker's messages and exit codes, making nothing", () => {
    const refused = (args: string[], status: number, message: string) => expect(berth(args)).toMatchObject({ status, stderr: `Error: ${message}\n` });
    refused(["run", "--rm", "--mac-address", "92:d0:c6:0a:29", "busybox", "true"], 125, "92:d0:c6:0a:29 is not a valid mac address");
    refused(["create", "--mac-address", "03:00:00:00:00:01", "busybox", "true"], 125, "03:00:00:00:00:01 is not a valid mac address: a container's address must be unicast (the first byte even)");
    refused(["create", "--network", "none", "--mac-address", "92:d0:c6:0a:29:33", "busybox", "true"], 125, "conflicting options: mac-address and the network mode");
    refused(["create", "--network", "name=bridge,colour=red", "busybox", "true"], 125, 'invalid argument "name=bridge,colour=red" for "--network" flag: invalid field key colour');
    refused(["create", "--network", "alias=x", "busybox", "true"], 125, 'invalid argument "alias=x" for "--network" flag: network name must be specified');
    refused(["network", "create", "--ip-range", "10.234.9.0/24", "nosub"], 1, "no matching subnet for range 10.234.9.0/24");
    refused(["network", "create", "--subnet", "10.234.9.0/24", "--ip-range", "10.234.10.0/28", "outside"], 1, "no matching subnet for range 10.234.10.0/28");
    refused(["network", "create", "--subnet", "10.234.9.0/24", "--aux-address", "x=10.234.10.1", "outside"], 1, "no matching subnet for aux-address 10.234.10.1");
    expect(ok(["ps", "-aq"])).toBe("");
    expect(ok(["network", "ls", "--format", "{{.Name}}"])).toBe("bridge\nhost\nnone\n");
    const hash = createHash("sha256").update(e2e.root).digest("hex").slice(0, 12);
    const links = JSON.parse(spawnSync("ip", ["-j", "link", "show"], { encoding: "utf8" }).stdout) as { ifalias?: string }[];
    expect(links.filter((link) => link.ifalias === `berth-${hash}`)).toEqual([]);
  });
});
