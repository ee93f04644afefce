import { describe, expect, it } from "vitest";
import { runAttached, useContainerRoots } from "../test-support/container-root.js";
import { networkLeftovers } from "../test-support/network-probes.js";

// --mac-address, docker's advanced and repeated --network, and network create's --ip-range and
// --aux-address on the real kernel. Traffic goes only to berth's own container addresses.

const freshRoot = useContainerRoots();
type Engine = Awaited<ReturnType<typeof freshRoot>>["engine"];

interface Inspected {
  Config: { MacAddress?: string };
  NetworkSettings: { MacAddress: string; IPAddress: string; Networks: Record<string, { MacAddress: string; IPAddress: string; Aliases: string[] | null }> };
}

async function startSleeper(engine: Engine, name: string, options: { network?: string[]; macAddress?: string }): Promise<Inspected> {
  const { id } = await engine.containers.create({ image: "busybox", cmd: ["sleep", "120"], name, detach: true, ...options });
  await engine.containers.start(id);
  return (await engine.containers.inspect(id)) as unknown as Inspected;
}

describe("endpoint options", () => {
  it("puts the asked MAC on the veth, leases only from the ip-range, never an aux address, and cleans up", async () => {
    const { engine, rootHash } = await freshRoot();
    await engine.networks.create({ name: "ranged", subnet: "10.233.0.0/16", ipRange: ["10.233.7.0/30"], auxAddresses: ["router=10.233.7.1"] });
    await engine.networks.create({ name: "side" });
    expect(await engine.networks.inspect("ranged")).toMatchObject({
      IPAM: { Config: [{ Subnet: "10.233.0.0/16", IPRange: "10.233.7.0/30", Gateway: "10.233.0.1", AuxiliaryAddresses: { router: "10.233.7.1" } }] },
    });

    // Two networks at create, the first with the advanced form: eth0 takes the asked MAC, eth1 docker's.
    const web = await startSleeper(engine, "web", { network: ["name=ranged,alias=www,mac-address=92:D0:C6:0A:29:33", "side"] });
    expect(web.Config.MacAddress).toBe("92:d0:c6:0a:29:33");
    expect(web.NetworkSettings.Networks.ranged).toMatchObject({ MacAddress: "92:d0:c6:0a:29:33", IPAddress: "10.233.7.0", Aliases: ["www"] });
    const side = web.NetworkSettings.Networks.side!;
    expect(side.MacAddress).toBe(`02:42:${side.IPAddress.split(".").map((byte) => Number(byte).toString(16).padStart(2, "0")).join(":")}`);
    expect(web.NetworkSettings.MacAddress).toBe("");

    // A peer on the range skips the aux address, and sees web's MAC on the wire (its ARP entry).
    const peer = await runAttached(engine, {
      image: "busybox", network: ["ranged"],
      cmd: ["sh", "-c", "ip -4 -o addr show eth0 | awk '{print $4}'; ping -c 1 -W 2 www >/dev/null && ip neigh show 10.233.7.0 | awk '{print $5}'"],
    });
    expect(peer.stdout, peer.stderr).toBe("10.233.7.2/16\n92:d0:c6:0a:29:33\n");

    // --ip may leave the range but not take an aux address; the range's last free addresses, then none.
    await expect(startSleeper(engine, "on-aux", { network: ["name=ranged,ip=10.233.7.1"] })).rejects.toMatchObject({ code: "CONFLICT", message: "failed to set up container networking: Address already in use" });
    expect((await startSleeper(engine, "outside", { network: ["name=ranged,ip=10.233.9.9"] })).NetworkSettings.Networks.ranged!.IPAddress).toBe("10.233.9.9");
    for (const [name, address] of [["next", "10.233.7.2"], ["last", "10.233.7.3"]]) {
      expect((await startSleeper(engine, name!, { network: ["ranged"] })).NetworkSettings.Networks.ranged!.IPAddress).toBe(address);
    }
    await expect(startSleeper(engine, "full", { network: ["ranged"] })).rejects.toMatchObject({ code: "UNAVAILABLE", message: "no available IPv4 addresses on network ranged" });
    const full = (await engine.containers.inspect("full")) as { Id: string; State: { Status: string } };
    expect(full.State.Status).toBe("created");
    expect(Object.keys(((await engine.networks.inspect("ranged")) as { Containers: object }).Containers)).not.toContain(full.Id);

    // --mac-address on the default bridge: the top-level fields too.
    const plain = await startSleeper(engine, "plain", { macAddress: "02:00:00:ab:cd:ef" });
    expect([plain.Config.MacAddress, plain.NetworkSettings.MacAddress, plain.NetworkSettings.Networks.bridge!.MacAddress]).toEqual(["02:00:00:ab:cd:ef", "02:00:00:ab:cd:ef", "02:00:00:ab:cd:ef"]);
    await engine.containers.stop("plain", { timeout: 0 });
    const stopped = (await engine.containers.inspect("plain")) as unknown as Inspected;
    expect([stopped.NetworkSettings.Networks.bridge!.MacAddress, stopped.NetworkSettings.Networks.bridge!.IPAddress]).toEqual(["02:00:00:ab:cd:ef", ""]);

    for (const container of await engine.containers.list({ all: true })) await engine.containers.remove(container.id, { force: true });
    expect((await engine.networks.prune()).sort()).toEqual(["ranged", "side"]);
    expect(await networkLeftovers(rootHash)).toEqual([]);
  }, 300_000);

  it("refuses bad MACs, --network forms and address plans with docker's messages, making nothing", async () => {
    const { engine, rootHash } = await freshRoot();
    await engine.networks.create({ name: "app", subnet: "10.233.20.0/24" });
    const create = (extra: object) => engine.containers.create({ image: "busybox", cmd: ["true"], ...extra });
    await expect(create({ macAddress: "92:d0:c6:0a:29" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "92:d0:c6:0a:29 is not a valid mac address" });
    await expect(create({ macAddress: "01:00:5e:00:00:01" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("must be unicast") });
    await expect(create({ network: ["host"], macAddress: "92:d0:c6:0a:29:33" })).rejects.toMatchObject({ message: "conflicting options: mac-address and the network mode" });
    await expect(create({ network: ["name=app,mac-address=92:d0:c6:0a:29:33"], macAddress: "92:d0:c6:0a:29:34" }))
      .rejects.toMatchObject({ message: "conflicting options: cannot specify both --mac-address and per-network MAC address" });
    await expect(create({ network: ["bridge", "app"] })).rejects.toMatchObject({ message: "conflicting options: cannot attach both user-defined and non-user-defined network-modes" });
    await expect(create({ network: ["app", "name=app"] })).rejects.toMatchObject({ message: 'network "app" is specified multiple times' });
    await expect(create({ network: ["name=app,speed=9"] })).rejects.toMatchObject({ message: 'invalid argument "name=app,speed=9" for "--network" flag: invalid field key speed' });
    await expect(create({ network: ["app", "nope"] })).rejects.toMatchObject({ code: "NOT_FOUND", message: "network nope not found" });
    expect(await engine.containers.list({ all: true })).toEqual([]);

    const network = (extra: object) => engine.networks.create({ name: "bad", ...extra });
    await expect(network({ ipRange: ["10.233.21.0/24"] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "no matching subnet for range 10.233.21.0/24" });
    await expect(network({ subnet: "10.233.21.0/24", ipRange: ["10.233.22.0/28"] })).rejects.toMatchObject({ message: "no matching subnet for range 10.233.22.0/28" });
    await expect(network({ subnet: "10.233.21.0/24", ipRange: ["10.233.21.0/28", "10.233.21.16/28"] })).rejects.toMatchObject({ message: expect.stringMatching(/^cannot configure multiple ranges/) });
    await expect(network({ subnet: "10.233.21.0/24", auxAddresses: ["gw=10.233.99.1"] })).rejects.toMatchObject({ message: "no matching subnet for aux-address 10.233.99.1" });
    expect((await engine.networks.list()).map((row) => row.name).sort()).toEqual(["app", "bridge", "host", "none"]);
    await engine.networks.remove("app");
    expect(await networkLeftovers(rootHash)).toEqual([]);
  });
});
