import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useE2eRoot } from "./test-support/container-e2e.js";

// run's network flags (--network-alias, --ip, --add-host, --dns*), UDP ports, network connect and
// disconnect of containers that do not run, and what a root leaves on the host once its containers
// and networks are gone: through the real bin/berth as root. Traffic goes to 127.0.0.1 and to
// addresses berth gave its own containers.

const e2e = useE2eRoot("berth-cli-netopts-");
const { berth } = e2e;
const ok = (args: string[]) => {
  const result = berth(args);
  expect(result.status, `berth ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
};
const host = (command: string, args: string[]) => spawnSync(command, args, { encoding: "utf8" }).stdout;
const rootHash = () => createHash("sha256").update(e2e.root).digest("hex").slice(0, 12);

afterAll(() => {
  const ids = berth(["ps", "-aq", "--no-trunc"]).stdout.split("\n").filter((id) => id !== "");
  if (ids.length > 0) berth(["rm", "-f", ...ids]);
  berth(["network", "prune", "-f"]);
});

/** A UDP port free on the host right now. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "0.0.0.0", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/**
 * The first datagram to port 53 inside a container's network namespace (this busybox's nc has no
 * -u, so a node listener joins the namespace), after `send` ran; its text and sender.
 */
async function receiveInside(sandboxKey: string, send: () => Promise<void>): Promise<string> {
  const script = 'const s=require("dgram").createSocket("udp4");s.on("message",(m,r)=>{console.log(String(m),r.address);process.exit(0)});s.bind(53,()=>console.log("ready"))';
  const listener = spawn("nsenter", [`--net=${sandboxKey}`, process.execPath, "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  listener.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => listener.kill(), 10_000);
  for (let wait = 0; !output.includes("ready") && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 50));
  await send();
  await new Promise((resolve) => listener.once("exit", resolve));
  clearTimeout(timer);
  return output.replace("ready\n", "");
}

describe("run's network flags", () => {
  it("gives aliases, a fixed address, extra hosts and DNS settings, shown by inspect", () => {
    ok(["network", "create", "--subnet", "10.202.61.0/24", "opts"]);
    const id = ok(["run", "-d", "--name", "server", "--network", "opts", "--network-alias", "db", "--ip", "10.202.61.50",
      "--add-host", "gw:host-gateway", "--add-host", "other=10.1.2.3", "--dns", "9.9.9.9", "--dns-search", "example.org", "--dns-option", "ndots:2",
      "busybox", "sleep", "300"]).trim();
    expect(ok(["exec", "server", "cat", "/etc/resolv.conf"])).toBe("search example.org\nnameserver 9.9.9.9\noptions ndots:2\n");
    expect(ok(["exec", "server", "cat", "/etc/hosts"])).toContain(`ff02::2\tip6-allrouters\n10.202.61.1\tgw\n10.1.2.3\tother\n10.202.61.50\t${id.slice(0, 12)}\n`);
    expect(ok(["run", "--rm", "--network", "opts", "busybox", "ping", "-c", "1", "-W", "2", "db"])).toContain("64 bytes from 10.202.61.50");
    expect(ok(["inspect", "-f", "{{json .HostConfig.ExtraHosts}} {{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}}", "server"]))
      .toBe('["gw:host-gateway","other=10.1.2.3"] ["9.9.9.9"] ["example.org"] ["ndots:2"]\n');
    expect(ok(["inspect", "-f", "{{json .NetworkSettings.Networks.opts.Aliases}} {{json .NetworkSettings.Networks.opts.IPAMConfig}} {{.NetworkSettings.Networks.opts.IPAddress}}", "server"]))
      .toBe('["db"] {"IPv4Address":"10.202.61.50"} 10.202.61.50\n');
  }, 300_000);

  it("refuses them where docker does, with its messages", () => {
    const refused = (args: string[], message: string) => expect(berth(["run", "--rm", ...args, "busybox", "true"])).toMatchObject({ status: 125, stderr: `Error: ${message}\n` });
    refused(["--ip", "10.202.61.9"], "user specified IP address is supported on user defined networks only");
    refused(["--network-alias", "x"], "network-scoped alias is supported only for containers in user defined networks");
    refused(["--network", "opts", "--ip", "10.9.9.9"], "invalid config for network opts: invalid endpoint settings:\nno configured subnet or ip-range contain the IP address 10.9.9.9");
    ok(["network", "create", "auto"]);
    refused(["--network", "auto", "--ip", "10.202.61.9"],
      "invalid config for network auto: invalid endpoint settings:\nuser specified IP address is supported only when connecting to networks with user configured subnets");
    refused(["--add-host", "nohost"], 'invalid argument "nohost" for "--add-host" flag: bad format for add-host: "nohost"');
    refused(["--dns", "dns.example"], 'invalid argument "dns.example" for "--dns" flag: dns.example is not an ip address');
    refused(["--network", "container:server", "--dns", "1.1.1.1"], "conflicting options: dns and the network mode");
    // The address a running container has: the start fails, the container stays created (docker's run).
    refused(["--name", "taken", "--network", "opts", "--ip", "10.202.61.50"], "failed to set up container networking: Address already in use");
    expect(ok(["ps", "-a", "-f", "name=taken", "--format", "{{.State}}"])).toBe("created\n");
    ok(["rm", "taken"]);
    ok(["network", "rm", "auto"]);
  }, 300_000);
});

describe("UDP ports", () => {
  it("publishes -p HOST:53/udp: held against other programs, shown by ps and port, datagrams reach the container", async () => {
    const port = await freeUdpPort();
    ok(["run", "-d", "--name", "dns", "-p", `${port}:53/udp`, "busybox", "sleep", "300"]);
    expect(ok(["ps", "-f", "name=dns", "--format", "{{.Ports}}"])).toBe(`0.0.0.0:${port}->53/udp\n`);
    expect(ok(["port", "dns"])).toBe(`53/udp -> 0.0.0.0:${port}\n`);
    expect(ok(["port", "dns", "53/udp"])).toBe(`0.0.0.0:${port}\n`);
    expect(host("ss", ["-Hlun", `sport = :${port}`])).toContain(`0.0.0.0:${port}`);
    expect(berth(["run", "-d", "--name", "dns2", "-p", `${port}:53/udp`, "busybox", "true"]))
      .toMatchObject({ status: 125, stderr: expect.stringContaining(`listen udp4 0.0.0.0:${port}: bind: address already in use`) });
    ok(["rm", "dns2"]);
    const sandboxKey = ok(["inspect", "-f", "{{.NetworkSettings.SandboxKey}}", "dns"]).trim();
    const gateway = ok(["inspect", "-f", "{{.NetworkSettings.Gateway}}", "dns"]).trim();
    const received = await receiveInside(sandboxKey, async () => {
      const socket = createSocket("udp4");
      await new Promise<void>((resolve, reject) => socket.send("hello over udp", port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
      socket.close();
    });
    // From 127.0.0.1, masqueraded to the bridge's gateway.
    expect(received).toBe(`hello over udp ${gateway}\n`);
    ok(["rm", "-f", "dns"]);
    expect(host("ss", ["-Hlun", `sport = :${port}`])).toBe("");
  }, 300_000);
});

describe("network connect and disconnect of a container that does not run", () => {
  it("records the change, applies it at the next start and shows it in inspect", () => {
    ok(["create", "--name", "gamma", "busybox", "sleep", "300"]);
    ok(["network", "connect", "--alias", "g2", "--ip", "10.202.61.77", "opts", "gamma"]);
    expect(berth(["network", "connect", "opts", "gamma"])).toMatchObject({ status: 1, stderr: "Error: endpoint with name gamma already exists in network opts\n" });
    const networks = "{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}}{{json $n.Aliases}} {{end}}";
    expect(ok(["inspect", "-f", networks, "gamma"])).toBe('bridge=null opts=["g2"] \n');
    ok(["start", "gamma"]);
    expect(ok(["exec", "gamma", "ip", "-4", "-o", "addr", "show", "eth1"])).toContain("inet 10.202.61.77/24");
    expect(ok(["exec", "server", "ping", "-c", "1", "-W", "2", "g2"])).toContain("64 bytes from 10.202.61.77");
    ok(["stop", "-t", "0", "gamma"]);
    ok(["network", "disconnect", "bridge", "gamma"]);
    expect(ok(["inspect", "-f", networks, "gamma"])).toBe('opts=["g2"] \n');
    ok(["start", "gamma"]);
    expect(ok(["exec", "gamma", "ip", "-4", "-o", "addr"])).toMatch(/eth0\s+inet 10\.202\.61\.77\/24/);
    expect(ok(["exec", "gamma", "ip", "route"])).toContain("default via 10.202.61.1 dev eth0");
    ok(["stop", "-t", "0", "gamma"]);
    ok(["network", "disconnect", "opts", "gamma"]);
    expect(ok(["inspect", "-f", networks, "gamma"])).toBe("\n");
    expect(berth(["network", "disconnect", "opts", "gamma"])).toMatchObject({ status: 1, stderr: expect.stringMatching(/^Error: container [0-9a-f]{64} is not connected to network opts\n$/) });
    ok(["rm", "gamma"]);
  }, 300_000);
});

describe("after everything is removed", () => {
  it("leaves nothing of the root on the host: links, namespaces, rules, holders", async () => {
    const port = await freeUdpPort();
    ok(["network", "create", "last"]);
    ok(["run", "-d", "--name", "onbridge", "-p", `${port}:80`, "-p", `${port}:53/udp`, "busybox", "sleep", "300"]);
    ok(["run", "-d", "--name", "onuser", "--network", "last", "-p", "80", "busybox", "sleep", "300"]);
    const userPort = /80\/tcp -> 0\.0\.0\.0:(\d+)\n$/.exec(ok(["port", "onuser"]))![1]!;
    const hash = rootHash();
    const ids = ok(["ps", "-q", "--no-trunc"]).split("\n").filter((line) => line !== "");
    const networkIds = ["bridge", "last", "opts"].map((name) => ok(["network", "inspect", "-f", "{{.Id}}", name]).trim());
    const veths = networkIds.flatMap((networkId) => ids.map((id) => `bv${createHash("sha256").update(`${networkId}:${id}`).digest("hex").slice(0, 12)}`));
    const holderPids = ids.flatMap((id) => {
      const pidFile = join("/run/berth", hash, "c", id, "ports.pid");
      return existsSync(pidFile) ? [readFileSync(pidFile, "utf8").trim()] : [];
    });
    expect(holderPids).toHaveLength(2);
    ok(["rm", "-f", "onbridge", "onuser", "server"]);
    ok(["network", "rm", "last", "opts"]);
    const links = JSON.parse(host("ip", ["-j", "link", "show"])) as { ifname: string; ifalias?: string }[];
    expect(links.filter((link) => link.ifalias === `berth-${hash}` || link.ifname === `berth${hash.slice(0, 9)}` || veths.includes(link.ifname))).toEqual([]);
    expect(host("iptables-save", []).split("\n").filter((line) => line.includes(hash))).toEqual([]);
    const runDir = join("/run/berth", hash, "c");
    expect(existsSync(runDir) ? readdirSync(runDir) : []).toEqual([]);
    expect(readFileSync("/proc/self/mountinfo", "utf8").split("\n").filter((line) => line.includes(hash) || line.includes(e2e.root))).toEqual([]);
    expect(host("ss", ["-Hltnu"]).split("\n").filter((line) => new RegExp(`:(${port}|${userPort})\\s`).test(line))).toEqual([]);
    expect(holderPids.filter((pid) => existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, "utf8") === "sleep\0infinity\0")).toEqual([]);
    // No process of the root's containers (monitors, holders) is left.
    const processes = readdirSync("/proc").filter((pid) => /^\d+$/.test(pid)).flatMap((pid) => {
      try {
        return [readFileSync(`/proc/${pid}/cmdline`, "utf8")];
      } catch {
        return [];
      }
    });
    expect(processes.filter((cmdline) => cmdline.includes(e2e.root) || ids.some((id) => cmdline.includes(id)))).toEqual([]);
  }, 300_000);
});
