import { execFileSync } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { execa, type Options } from "execa";
import tarStream from "tar-stream";

// Real Docker for interop tests: a private dockerd (infra/test-services/dockerd.sh: own data
// root, socket and cgroups, no bridge, pulls outside loopback fail at once) with overlay2, so
// that a `docker build` writes whiteouts and opaque directories the way production does.

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const dockerdScript = join(repoRoot, "infra", "test-services", "dockerd.sh");
const busyboxBuilder = join(repoRoot, "infra", "base-image", "build-busybox.sh");
const installedBusybox = "/usr/local/share/berth/busybox.tar";

export interface PrivateDockerd {
  dir: string;
  host: string;
  storageDriver: string;
  /** Runs the docker CLI (Debian's 20.10, classic builder) against this daemon; returns stdout. */
  docker(args: string[], options?: Options): Promise<string>;
  stop(): Promise<void>;
}

export async function startPrivateDockerd(): Promise<PrivateDockerd> {
  const dir = await mkdtemp("/tmp/berth-dk-");
  const stopSync = () => {
    try {
      execFileSync("bash", [dockerdScript, "stop", dir], { stdio: "ignore" });
    } catch {
      // already stopped
    }
  };
  process.once("exit", stopSync);
  try {
    const { stdout } = await execa("bash", [dockerdScript, "start", dir], { env: { DOCKERD_STORAGE_DRIVER: "overlay2" } });
    const values = Object.fromEntries(stdout.split("\n").map((line) => line.split("=", 2) as [string, string]));
    const host = values.DOCKER_HOST!;
    return {
      dir,
      host,
      storageDriver: values.DOCKERD_STORAGE_DRIVER!,
      async docker(args, options = {}) {
        const result = await execa("/usr/bin/docker", ["-H", host, ...args], { env: { DOCKER_BUILDKIT: "0" }, ...options });
        return String(result.stdout);
      },
      async stop() {
        process.removeListener("exit", stopSync);
        await execa("bash", [dockerdScript, "stop", dir]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    stopSync();
    process.removeListener("exit", stopSync);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The base image archive install.sh builds, or a fresh build of it into `workDir`. */
export async function baseImageArchive(workDir: string): Promise<string> {
  if (existsSync(installedBusybox)) return installedBusybox;
  const out = join(workDir, "busybox.tar");
  await execa("bash", [busyboxBuilder, out]);
  return out;
}

export interface ArchiveEntry {
  type: string;
  linkname?: string;
  /** Contents of small entries (JSON, manifests); undefined for the rest. */
  content?: Buffer;
}

/** Every entry of a tar file by name, with the contents of entries up to `maxContent` bytes. */
export async function readTarFile(path: string, maxContent = 1 << 20): Promise<Map<string, ArchiveEntry>> {
  const entries = new Map<string, ArchiveEntry>();
  const extract = tarStream.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      const small = (entry.header.size ?? 0) <= maxContent;
      for await (const chunk of entry) if (small) chunks.push(chunk as Buffer);
      entries.set(entry.header.name, {
        type: entry.header.type,
        ...(entry.header.linkname ? { linkname: entry.header.linkname } : {}),
        ...(small && entry.header.type === "file" ? { content: Buffer.concat(chunks) } : {}),
      });
    }
  })();
  await pipeline(createReadStream(path), extract);
  await reading;
  return entries;
}
