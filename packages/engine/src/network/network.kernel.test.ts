import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";
import { fetchFromInside, freePort, httpGet, httpdCommand, networkLeftovers } from "../test-support/network-probes.js";

// The default bridge on the real kernel: a veth per container, addresses leased in the database,
// published ports held on the host and NATed by the root's iptables chains, everything gone
// after the container. Traffic goes only to 127.0.0.1 and to berth's own container addresses.

const freshRoot = useContainerRoots();

const httpd = (page: string) => ({ image: "busybox", cmd: httpdCommand(page), detach: true });

async function started(engine: Awaited<ReturnType<typeof freshRoot>>["engine"], options: Parameters<typeof engine.containers.create>[0]): Promise<string> {
  const { id } = await engine.containers.create(options);
  await engine.containers.start(id);
  return id;
}

/** Polls a GET until it answers (httpd binds just after the start returns). */
async function getWhenUp(url: string): Promise<string> {
  let body = "";
  for (let attempt = 0; attempt < 50; attempt++) {
    body = await httpGet(url);
    if (!body.startsWith("failed")) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return body;
}

describe("the default bridge", () => {
  it("serves the tutorial's page: run --name=hellogin -d -p 9020:8000, GET 127.0.0.1:9020", async () => {
    const root = await freshRoot();
    const { engine } = root;
    const id = await started(engine, { ...httpd("hello-from-berth"), name: "hellogin", publish: ["9020:8000"] });
    expect(await getWhenUp("http://127.0.0.1:9020/")).toBe("hello-from-berth\n");
    const [summary] = await engine.containers.list();
    expect(summary).toMatchObject({ name: "hellogin", ports: "0.0.0.0:9020->8000/tcp" });
    expect(await engine.containers.ports("hellogin")).toEqual([{ containerPort: 8000, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 9020 }]);
    const inspect = await engine.containers.inspect(id) as { NetworkSettings: Record<string, unknown> & { Networks: Record<string, Record<string, unknown>> }; HostConfig: Record<string, unknown> };
    expect(inspect.HostConfig).toMatchObject({ NetworkMode: "default", PortBindings: { "8000/tcp": [{ HostIp: "", HostPort: "9020" }] } });
    const settings = inspect.NetworkSettings;
    expect(settings).toMatchObject({ Ports: { "8000/tcp": [{ HostIp: "0.0.0.0", HostPort: "9020" }] }, IPPrefixLen: 24 });
    expect(settings.IPAddress).toMatch(/^10\.200\.\d+\.2$/);
    expect(settings.Gateway).toBe(String(settings.IPAddress).replace(/\.2$/, ".1"));
    expect(settings.MacAddress).toMatch(/^02:42:0a:c8:[0-9a-f]{2}:02$/);
    expect(settings.Networks.bridge).toMatchObject({ IPAddress: settings.IPAddress, Gateway: settings.Gateway, MacAddress: settings.MacAddress });
    // The port is held on the host while the container runs (nothing else can listen there).
    await expect(new Promise((resolve, reject) => createServer().once("error", reject).listen({ port: 9020, host: "0.0.0.0" }, () => resolve("bound"))))
      .rejects.toMatchObject({ code: "EADDRINUSE" });
    // The container's address answers on the bridge too, and it is in its own /etc/hosts.
    expect(await httpGet(`http://${String(settings.IPAddress)}:8000/`)).toBe("hello-from-berth\n");
    expect(readFileSync(`${root.root}/containers/${id}/hosts`, "utf8")).toContain(`${String(settings.IPAddress)}\t${id.slice(0, 12)}\n`);
    await engine.containers.remove(id, { force: true });
    expect(await networkLeftovers(root.rootHash, [9020])).toEqual([]);
    expect(containerLeftovers(root, id, { isLast: true })).toEqual([]);
  });

  it("gives eth0 its leased address and a default route via the gateway; releases the lease at stop", async () => {
    const { engine, rootHash } = await freshRoot();
    const first = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "ip -4 -o addr show eth0; ip route; cat /sys/class/net/eth0/address"] });
    expect(first.exitCode, first.stderr).toBe(0);
    const address = /inet (10\.200\.\d+\.\d+)\/24/.exec(first.stdout)?.[1];
    expect(address).toMatch(/\.2$/);
    expect(first.stdout).toMatch(new RegExp(`default via ${address!.replace(/\.2$/, ".1").replaceAll(".", "\\.")} dev eth0`));
    // The run ended: its lease, veth and the idle bridge are gone; the next run gets the same address.
    expect(await networkLeftovers(rootHash)).toEqual([]);
    const second = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", "ip -4 -o addr show eth0"] });
    expect(second.stdout).toContain(`inet ${address}/24`);
  });

  it("publishes a random host port with -p CPORT, ranges, and -P for exposed ports; restart keeps fixed ports", async () => {
    const { engine, rootHash } = await freshRoot();
    const [fixedA, fixedB] = [await freePort(), await freePort()];
    const id = await started(engine, { ...httpd("many"), publish: ["8000", `127.0.0.1:${fixedA}:8000`, `${fixedB}-${fixedB}:8000/tcp`] });
    const ports = await engine.containers.ports(id);
    expect(ports).toHaveLength(3);
    expect(ports).toContainEqual({ containerPort: 8000, protocol: "tcp", hostIp: "127.0.0.1", hostPort: fixedA });
    const random = ports.find((port) => port.hostIp === "0.0.0.0" && port.hostPort !== fixedB)!;
    for (const port of [random.hostPort, fixedA, fixedB]) expect(await getWhenUp(`http://127.0.0.1:${port}/`)).toBe("many\n");
    await engine.containers.restart(id, { timeout: 1 });
    expect(await getWhenUp(`http://127.0.0.1:${fixedA}/`)).toBe("many\n");
    await engine.containers.remove(id, { force: true });
    const all = await started(engine, { ...httpd("all"), publishAll: true, publish: ["9"] });
    // -P publishes the exposed ports (here the one -p exposed) on random ports.
    expect((await engine.containers.list())[0]?.ports).toMatch(/^0\.0\.0\.0:\d+->9\/tcp$/);
    await engine.containers.remove(all, { force: true });
    expect(await networkLeftovers(rootHash, [fixedA, fixedB])).toEqual([]);
  });

  it("releases ports, veths, leases and rules on kill and when the monitor crashes", async () => {
    const { engine, rootHash } = await freshRoot();
    const port = await freePort();
    const killed = await started(engine, { ...httpd("k"), publish: [`${port}:8000`] });
    await engine.containers.kill(killed, "KILL");
    await engine.containers.wait(killed);
    expect(await networkLeftovers(rootHash, [port])).toEqual([]);
    // A crashed monitor: a reader records the run as ended and frees what it held.
    await engine.containers.start(killed);
    expect(await getWhenUp(`http://127.0.0.1:${port}/`)).toBe("k\n");
    const { State } = (await engine.containers.inspect(killed)) as { State: { Pid: number } };
    const monitorPid = Number(readFileSync(`/proc/${State.Pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
    process.kill(monitorPid, "SIGKILL");
    process.kill(State.Pid, "SIGKILL");
    for (let attempt = 0; attempt < 100 && (await engine.containers.list({ all: true }))[0]?.state !== "exited"; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await engine.containers.list({ all: true }))[0]).toMatchObject({ state: "exited", ports: "" });
    expect(await networkLeftovers(rootHash, [port])).toEqual([]);
  });

  it("refuses a host port anything else listens on: clear error, nothing started, nothing left", async () => {
    const { engine, rootHash } = await freshRoot();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ port: 0, host: "127.0.0.1" }, resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const { id } = await engine.containers.create({ ...httpd("x"), publish: [`${port}:8000`] });
      await expect(engine.containers.start(id)).rejects.toMatchObject({
        code: "CONFLICT", message: `Error starting userland proxy: listen tcp4 0.0.0.0:${port}: bind: address already in use`,
      });
      expect((await engine.containers.list({ all: true }))[0]).toMatchObject({ state: "created" });
      expect(await networkLeftovers(rootHash)).toEqual([]);
    } finally {
      blocker.close();
    }
  });

  it("keeps working under docker's FORWARD DROP policy: containers on the bridge reach each other", async () => {
    const { engine } = await freshRoot();
    const server = await started(engine, httpd("forwarded"));
    const address = ((await engine.containers.inspect(server)) as { NetworkSettings: { IPAddress: string } }).NetworkSettings.IPAddress;
    const policy = /^:FORWARD (\w+)/m.exec((await execa("iptables-save", ["-t", "filter"])).stdout)?.[1] ?? "ACCEPT";
    await execa("iptables", ["-w", "-P", "FORWARD", "DROP"]);
    try {
      const client = await runAttached(engine, { image: "busybox", cmd: ["sh", "-c", fetchFromInside(address, 10)] });
      expect(client.stdout, client.stderr).toBe("forwarded\n");
    } finally {
      await execa("iptables", ["-w", "-P", "FORWARD", policy]);
    }
  });
});
