import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runAttached, useContainerRoots } from "../test-support/container-root.js";
import { fetchFromInside, httpdCommand, networkLeftovers } from "../test-support/network-probes.js";

// User networks, the other network modes and bad input on the real kernel. Traffic goes only to
// berth's own container addresses (and names that resolve to them through /etc/hosts).

const freshRoot = useContainerRoots();
type Engine = Awaited<ReturnType<typeof freshRoot>>["engine"];

async function serve(engine: Engine, name: string, network: string): Promise<string> {
  const { id } = await engine.containers.create({ image: "busybox", cmd: httpdCommand(name), name, network: [network], detach: true });
  await engine.containers.start(id);
  return id;
}

const addressOn = async (engine: Engine, id: string, network: string) =>
  ((await engine.containers.inspect(id)) as { NetworkSettings: { Networks: Record<string, { IPAddress: string }> } }).NetworkSettings.Networks[network]!.IPAddress;

describe("user networks", () => {
  it("resolves members by name and alias, isolates networks, keeps hosts current, and cleans up", async () => {
    const { engine, root, rootHash } = await freshRoot();
    const app = await engine.networks.create({ name: "app", subnet: "10.201.7.0/24" });
    await engine.networks.create({ name: "other" });
    const srv = await serve(engine, "srv", "app");
    expect(await addressOn(engine, srv, "app")).toBe("10.201.7.2");
    const byName = await runAttached(engine, { image: "busybox", network: ["app"], cmd: ["sh", "-c", fetchFromInside("srv")] });
    expect(byName.stdout, byName.stderr).toBe("srv\n");
    // Another network cannot reach srv's address.
    const isolated = await runAttached(engine, { image: "busybox", network: ["other"], cmd: ["sh", "-c", fetchFromInside("10.201.7.2", 2)] });
    expect(isolated.stdout).toBe("unreachable\n");
    // connect with an alias: srv's /etc/hosts gains the peer in place; twice is refused; disconnect drops it.
    const { id: peer } = await engine.containers.create({ image: "busybox", cmd: ["sleep", "60"], name: "peer", detach: true });
    await engine.containers.start(peer);
    await engine.networks.connect("app", "peer", { aliases: ["db"] });
    await expect(engine.networks.connect("app", "peer")).rejects.toMatchObject({ code: "CONFLICT", message: "endpoint with name peer already exists in network app" });
    const srvHosts = `${root}/containers/${srv}/hosts`;
    expect(readFileSync(srvHosts, "utf8")).toMatch(/\n10\.201\.7\.3\tpeer [0-9a-f]{12} db\n$/);
    const viaAlias = await runAttached(engine, { image: "busybox", network: ["app"], cmd: ["sh", "-c", "grep -w db /etc/hosts"] });
    expect(viaAlias.stdout).toContain("10.201.7.3");
    await engine.networks.disconnect("app", "peer");
    expect(readFileSync(srvHosts, "utf8")).not.toContain("peer");
    const inspect = await engine.networks.inspect("app");
    expect(inspect).toMatchObject({ Name: "app", Id: app.id, Driver: "bridge", IPAM: { Config: [{ Subnet: "10.201.7.0/24", Gateway: "10.201.7.1" }] }, Containers: { [srv]: { Name: "srv", IPv4Address: "10.201.7.2/24" } } });
    // In use: refused, nothing changed. Then rm the containers and prune the networks.
    await expect(engine.networks.remove("app")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(engine.networks.remove("bridge")).rejects.toMatchObject({ message: "bridge is a pre-defined network and cannot be removed" });
    await engine.containers.remove(srv, { force: true });
    await engine.containers.remove(peer, { force: true });
    expect((await engine.networks.prune()).sort()).toEqual(["app", "other"]);
    expect((await engine.networks.list()).map((network) => network.name)).toEqual(["bridge", "host", "none"]);
    expect(await networkLeftovers(rootHash)).toEqual([]);
  }, 300_000);

  it("runs with --network none, host and container:NAME", async () => {
    const { engine } = await freshRoot();
    const none = await runAttached(engine, { image: "busybox", network: ["none"], cmd: ["sh", "-c", "ls /sys/class/net"] });
    expect(none.stdout).toBe("lo\n");
    const hostLinks = readFileSync("/proc/net/dev", "utf8").split("\n").slice(2).filter(Boolean).length;
    const host = await runAttached(engine, { image: "busybox", network: ["host"], cmd: ["sh", "-c", "tail -n +3 /proc/net/dev | wc -l"] });
    expect(Number(host.stdout.trim())).toBeGreaterThanOrEqual(Math.min(hostLinks, 2));
    const { id: first } = await engine.containers.create({ image: "busybox", cmd: ["sleep", "60"], name: "first", detach: true });
    await engine.containers.start(first);
    const address = await addressOn(engine, first, "bridge");
    const joined = await runAttached(engine, { image: "busybox", network: ["container:first"], cmd: ["sh", "-c", "ip -4 -o addr show eth0"] });
    expect(joined.stdout).toContain(`inet ${address}/24`);
    await engine.containers.remove(first, { force: true });
  });
});

describe("bad network input", () => {
  it("refuses bad -p, --network and network create values with docker's messages, making nothing", async () => {
    const { engine, rootHash } = await freshRoot();
    const create = (extra: object) => engine.containers.create({ image: "busybox", cmd: ["true"], ...extra });
    await expect(create({ publish: ["70000:80"] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "invalid hostPort: 70000" });
    await expect(create({ publish: ["80:0"] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "invalid containerPort: 0" });
    await expect(create({ publish: ["80:abc"] })).rejects.toMatchObject({ message: "invalid containerPort: abc" });
    await expect(create({ publish: ["1.2.3:80:80"] })).rejects.toMatchObject({ message: "invalid ip address: 1.2.3" });
    await expect(create({ publish: ["80:80/sctpx"] })).rejects.toMatchObject({ message: "invalid proto: sctpx" });
    await expect(create({ publish: ["8000-8002:80-81"] })).rejects.toMatchObject({ message: "invalid ranges specified for container and host Ports: 80-81 and 8000-8002" });
    await expect(create({ network: ["nope"] })).rejects.toMatchObject({ code: "NOT_FOUND", message: "network nope not found" });
    await expect(create({ network: ["host"], publish: ["80"] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await engine.containers.list({ all: true })).toEqual([]);
    await engine.networks.create({ name: "taken", subnet: "10.201.9.0/24" });
    await expect(engine.networks.create({ name: "overlap", subnet: "10.201.9.128/25" })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/^Pool overlaps with other one on this address space/) });
    await expect(engine.networks.create({ name: "taken" })).rejects.toMatchObject({ code: "CONFLICT", message: "network with name taken already exists" });
    await expect(engine.networks.create({ name: "bad", subnet: "10.0.0.0/33" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: "invalid CIDR address: 10.0.0.0/33" });
    await expect(engine.networks.create({ name: "bad", subnet: "10.201.10.0/24", gateway: "10.9.9.9" })).rejects.toMatchObject({ message: "no matching subnet for gateway 10.9.9.9" });
    await expect(engine.networks.create({ name: "bad name!" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect((await engine.networks.list()).map((network) => network.name).sort()).toEqual(["bridge", "host", "none", "taken"]);
    await engine.networks.remove("taken");
    await expect(engine.networks.remove("taken")).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await networkLeftovers(rootHash)).toEqual([]);
  });
});
