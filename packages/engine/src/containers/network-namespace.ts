import { rm, writeFile } from "node:fs/promises";
import { BerthError } from "@berth/core";
import { listMountPoints } from "../storage/mountinfo.js";
import { runTool } from "../host/run-tool.js";

// A container's network namespace, made before its process: a new namespace pinned by an nsfs
// bind mount on a file in the container's runtime dir (`unshare --net=FILE` makes a new one and
// binds it there), with loopback up, or another namespace bound there (`--network host`, the
// host's; `container:X`, X's). The start joins it with `berth-init init --netns FILE`; network/
// adds the bridge's veth and the ports on this same handle.

const env = { LC_ALL: "C", PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };

/** A new namespace with loopback up, then `commands` (network/'s veths) run in it by the same `ip -batch`. */
export async function createNetworkNamespace(handle: string, commands: readonly string[] = []): Promise<void> {
  await releaseNetworkNamespace(handle);
  await writeFile(handle, "", { mode: 0o444 });
  const input = `${["link set lo up", ...commands].join("\n")}\n`;
  const result = await runTool("unshare", [`--net=${handle}`, "ip", "-batch", "-"], { env, input });
  if (result.exitCode !== 0) {
    await releaseNetworkNamespace(handle).catch(() => undefined);
    throw new BerthError("INTERNAL", `cannot create the network namespace: ${result.stderr || result.message}`);
  }
}

/** Pins an existing namespace (`/proc/self/ns/net`, another container's handle) at `handle`. */
export async function pinNetworkNamespace(source: string, handle: string): Promise<void> {
  await releaseNetworkNamespace(handle);
  await writeFile(handle, "", { mode: 0o444 });
  const result = await runTool("mount", ["--bind", source, handle], { env });
  if (result.exitCode !== 0) {
    await rm(handle, { force: true });
    throw new BerthError("INTERNAL", `cannot join the network namespace ${source}: ${result.stderr || result.message}`);
  }
}

/** Unpins the namespace (it goes once no process is in it) and removes the handle. Idempotent. */
export async function releaseNetworkNamespace(handle: string, mounts?: readonly string[]): Promise<void> {
  const mounted = (mounts ?? (await listMountPoints())).filter((mount) => mount === handle);
  for (const _ of mounted) {
    const result = await runTool("umount", [handle], { env });
    if (result.exitCode !== 0) throw new BerthError("INTERNAL", `cannot release the network namespace ${handle}: ${result.stderr}`);
  }
  await rm(handle, { force: true });
}
