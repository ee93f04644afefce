import { mkdir, mkdtemp, readFile, readlink, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseMountSpec, parseRunFlags, parseVolumeSpec } from "@berth/core";
import { afterEach, describe, expect, it } from "vitest";
import { resolveRootPaths } from "../config/paths.js";
import { writeInitLayer } from "./container-files.js";
import { containerMountPoints } from "./container-mounts.js";
import { checkContainerName, randomContainerName } from "./container-names.js";
import { containerPaths } from "./container-paths.js";
import { buildHostConfig, fromDockerMount, hostConfigResources, toDockerMount } from "./host-config.js";
import { readFileInRoot } from "./host-processes.js";

// The container service's pure parts and its file helpers (no root needed).

const flags = (raw: Parameters<typeof parseRunFlags>[0] = {}) => parseRunFlags(raw, {});
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "berth-container-model-"));
  dirs.push(dir);
  return dir;
}

describe("HostConfig", () => {
  it("holds docker run's defaults", () => {
    const hostConfig = buildHostConfig({ flags: flags(), volumeTexts: [], mountRequests: [], securityOpt: [], cgroupVersion: 1 });
    expect(hostConfig).toMatchObject({
      Binds: null, NetworkMode: "default", RestartPolicy: { Name: "no", MaximumRetryCount: 0 }, AutoRemove: false,
      CgroupnsMode: "host", IpcMode: "private", ShmSize: 67108864, Memory: 0, MemorySwap: 0, PidsLimit: null, Privileged: false,
    });
    expect(hostConfig.MaskedPaths).toContain("/proc/kcore");
    expect(Object.keys(hostConfig).slice(0, 6)).toEqual(["Binds", "ContainerIDFile", "LogConfig", "NetworkMode", "PortBindings", "RestartPolicy"]);
    expect(buildHostConfig({ flags: flags(), volumeTexts: [], mountRequests: [], securityOpt: [], cgroupVersion: 2 }).CgroupnsMode).toBe("private");
  });

  it("stores what docker's daemon stores for the flags, and start reads the resources back", () => {
    const parsed = flags({ memory: "32m", pidsLimit: "20", cpus: "0.5", restart: "on-failure:2", volume: ["/data", "/host:/ctr:ro", "named:/n"], tmpfs: ["/run:size=1m"], privileged: true });
    const hostConfig = buildHostConfig({ flags: parsed, volumeTexts: ["/data", "/host:/ctr:ro", "named:/n"], mountRequests: [], securityOpt: ["no-new-privileges"], cgroupVersion: 1 });
    expect(hostConfig).toMatchObject({
      Binds: ["/host:/ctr:ro", "named:/n"], Memory: 33554432, MemorySwap: 67108864, NanoCpus: 500000000, PidsLimit: 20,
      RestartPolicy: { Name: "on-failure", MaximumRetryCount: 2 }, Tmpfs: { "/run": "size=1m" }, MaskedPaths: [], ReadonlyPaths: [],
      SecurityOpt: ["no-new-privileges"],
    });
    expect(hostConfigResources(hostConfig)).toEqual({ memory: 33554432, memorySwap: 67108864, nanoCpus: 500000000, pidsLimit: 20 });
  });

  it.each([
    "type=bind,source=/srv,target=/data,readonly,bind-propagation=rslave",
    "type=volume,source=vol,target=/v,volume-nocopy",
    "type=volume,target=/anonymous",
    "type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770",
  ])("turns --mount %s into docker's Mount object and back", (text) => {
    const request = parseMountSpec(text);
    const mount = toDockerMount(request);
    expect(mount).toMatchObject({ Type: request.type, Target: request.target });
    expect(fromDockerMount(JSON.parse(JSON.stringify(mount)))).toEqual(request);
  });
});

describe("mount points of a stored container", () => {
  it("rebuilds binds, named and anonymous volumes with inspect's modes", () => {
    const paths = resolveRootPaths("/var/lib/berth-x");
    const hostConfig = buildHostConfig({
      flags: flags({ volume: ["/host:/ctr:ro", "named:/n"], mount: ["type=volume,target=/m"] }), volumeTexts: ["/host:/ctr:ro", "named:/n"],
      mountRequests: [parseMountSpec("type=volume,target=/m")], securityOpt: [], cgroupVersion: 1,
    });
    const points = containerMountPoints(paths, { Volumes: { "/data": {}, "/n": {} } }, hostConfig, [
      { destination: "/n", volumeName: "named", readOnly: false },
      { destination: "/m", volumeName: "a".repeat(64), readOnly: false },
      { destination: "/data", volumeName: "b".repeat(64), readOnly: false },
    ]);
    expect(points.map((p) => [p.type, p.name ?? "", p.source, p.destination, p.mode, p.readOnly])).toEqual([
      ["bind", "", "/host", "/ctr", "ro", true],
      ["volume", "named", "/var/lib/berth-x/volumes/named/_data", "/n", "z", false],
      ["volume", "a".repeat(64), `/var/lib/berth-x/volumes/${"a".repeat(64)}/_data`, "/m", "", false],
      ["volume", "b".repeat(64), `/var/lib/berth-x/volumes/${"b".repeat(64)}/_data`, "/data", "", false],
    ]);
    expect(parseVolumeSpec("/host:/ctr:ro").source).toBe("/host");
  });
});

describe("container files", () => {
  it("writes docker's init layer stubs", async () => {
    const dir = await tempDir();
    await writeInitLayer(dir);
    for (const file of [".dockerenv", "etc/hosts", "etc/hostname", "etc/resolv.conf", "dev/console"]) expect((await stat(join(dir, file))).isFile()).toBe(true);
    for (const sub of ["dev/pts", "dev/shm", "proc", "sys"]) expect((await stat(join(dir, sub))).isDirectory()).toBe(true);
    expect(await readlink(join(dir, "etc/mtab"))).toBe("/proc/mounts");
  });

  it("reads a file of the container's root without following its symlinks out of it", async () => {
    const dir = await tempDir();
    const rootfs = join(dir, "rootfs");
    await mkdir(join(rootfs, "etc"), { recursive: true });
    await writeFile(join(dir, "secret"), "host secret\n");
    await writeFile(join(rootfs, "secret"), "container file\n");
    await symlink("../../secret", join(rootfs, "etc", "passwd"));
    await symlink(join(dir, "secret"), join(rootfs, "etc", "group"));
    await mkdir(join(rootfs, "etc", "dir"));
    expect(await readFileInRoot(rootfs, "/etc/passwd")).toBe("container file\n");
    expect(await readFileInRoot(rootfs, "/etc/group")).toBeUndefined(); // re-rooted: <rootfs><dir>/secret does not exist
    expect(await readFileInRoot(rootfs, "/etc/dir")).toBeUndefined();
    expect(await readFileInRoot(rootfs, "/etc/missing")).toBeUndefined();
    expect(await readFile(join(dir, "secret"), "utf8")).toBe("host secret\n");
  });
});

describe("names and paths", () => {
  it("checks names like docker and makes adjective_surname ones", () => {
    expect(checkContainerName("/web")).toBe("web");
    expect(() => checkContainerName("a")).toThrow("Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    for (let i = 0; i < 20; i++) expect(randomContainerName()).toMatch(/^[a-z]+_[a-z_]+$/);
  });

  it("keeps the attach socket path within a unix socket's 107 bytes", () => {
    const paths = containerPaths(resolveRootPaths("/var/lib/berth"), "f".repeat(64));
    expect(Buffer.byteLength(paths.attachSocket)).toBeLessThanOrEqual(107);
    expect(() => containerPaths(resolveRootPaths("/x"), "../etc")).toThrow("invalid container id");
  });
});
