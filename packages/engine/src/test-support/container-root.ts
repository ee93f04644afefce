import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { AttachStreams, BerthService, ContainerCreateOptions } from "@berth/core";
import { execa } from "execa";
import { afterEach, beforeAll } from "vitest";
import { probeCgroupLayout, type CgroupLayout } from "../cgroups/cgroup-driver.js";
import { createFsCgroupHost } from "../cgroups/cgroup-host.js";
import { containerCgroup, monitorsCgroup } from "../cgroups/cgroup-naming.js";
import { removeRootCgroups } from "../cgroups/cgroup-remove.js";
import { resolveRootPaths } from "../config/paths.js";
import { listMountPoints } from "../storage/mountinfo.js";
import { removeRootNetworking } from "../network/container-network.js";
import { releasePorts } from "../network/port-holder.js";
import { builtEngineUrl } from "./engine-child.js";
import { createTempRoot, type TempRoot } from "./temp-root.js";

// A berth root for container tests on the real kernel: busybox loaded, the monitors' exit command
// pointed at cleanup-command.mjs (the built engine's cleanup, as `berth container cleanup` runs
// it), and a sweep that leaves nothing behind even when the test failed: every process of the
// root's cgroups (containers, monitors and their exit commands) killed, berth-<hash> removed, and
// every mount under the root or its run dir lazily unmounted.

export const BUSYBOX_ARCHIVE = "/usr/local/share/berth/busybox.tar";
const cleanupCommand = fileURLToPath(new URL("./cleanup-command.mjs", import.meta.url));
const cgroupHost = createFsCgroupHost();

export interface ContainerRoot extends TempRoot {
  runDir: string;
  rootHash: string;
  layout: CgroupLayout;
  /** Kills, unmounts and removes everything of this root on the host (idempotent). */
  sweep(): Promise<void>;
}

/** Privileged tests fail loudly without root, never skip (STYLE.md rule 12). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("the container tests need root");
  if (!existsSync(BUSYBOX_ARCHIVE)) throw new Error(`the container tests need the busybox archive ${BUSYBOX_ARCHIVE} (infra/ installs it)`);
}

/** Builds dist/ when stale, so the monitors' exit command runs the current engine. */
export async function prepareExitCommand(): Promise<void> {
  await builtEngineUrl();
}

export interface ContainerRootOptions {
  /** `unified`: containers use the cgroup2 mount (the v2 paths on this hybrid host). */
  cgroupMode?: "auto" | "unified";
}

export async function createContainerRoot(options: ContainerRootOptions = {}): Promise<ContainerRoot> {
  const cgroupMode = options.cgroupMode ?? "auto";
  const temp = await createTempRoot({ skipBaseImage: false, settings: { cli_path: cleanupCommand, base_image_archive: BUSYBOX_ARCHIVE, cgroup_mode: cgroupMode } });
  const paths = resolveRootPaths(temp.root);
  const layout = await probeCgroupLayout(cgroupHost, { unified: cgroupMode === "unified" });
  const sweep = async () => {
    await removeRootCgroups(cgroupHost, layout, paths.rootHash);
    const mounts = (await listMountPoints()).filter((mount) => [temp.root, paths.runDir].some((dir) => mount === dir || mount.startsWith(`${dir}/`)));
    for (const mount of mounts.reverse()) await execa("umount", ["-l", mount], { reject: false });
    await removeRootNetworking(paths.rootHash);
    for (const dir of existsSync(`${paths.runDir}/c`) ? readdirSync(`${paths.runDir}/c`) : []) await releasePorts(`${paths.runDir}/c/${dir}/ports.pid`);
  };
  return {
    ...temp,
    runDir: paths.runDir,
    rootHash: paths.rootHash,
    layout,
    sweep,
    async cleanup() {
      await sweep();
      await temp.cleanup();
    },
  };
}

/**
 * What a test can find of a container on the host: mounts, its cgroup, processes, netns, dirs.
 * `isLast`: no other container of the root runs, so berth-<hash> itself must be gone too.
 */
export function containerLeftovers(root: ContainerRoot, id: string, options: { isLast?: boolean } = {}): string[] {
  const found: string[] = [];
  const mountinfo = readFileSync("/proc/self/mountinfo", "utf8");
  for (const line of mountinfo.split("\n")) {
    const target = line.split(" ")[4] ?? "";
    if (target.includes(id) || target.startsWith(`${root.root}/`) || target.startsWith(`${root.runDir}/`)) found.push(`mount ${target}`);
  }
  for (const dir of containerCgroup(root.layout, root.rootHash, id).dirs) if (existsSync(dir)) found.push(`cgroup ${dir}`);
  if (options.isLast === true) {
    for (const dir of monitorsCgroup(root.layout, root.rootHash).parentDirs) if (existsSync(dir)) found.push(`cgroup ${dir}`);
  }
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmdline.includes(id)) found.push(`process ${pid}: ${cmdline.replaceAll("\0", " ")}`);
    } catch {
      // gone meanwhile
    }
  }
  for (const path of [`${root.root}/containers/${id}`, `${root.runDir}/c/${id}`]) if (existsSync(path)) found.push(`path ${path}`);
  return found;
}

export interface RunResult {
  id: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** `docker run` through the service: create (attached), start with attach, collect the output. */
export async function runAttached(engine: BerthService, options: ContainerCreateOptions, extra: Partial<AttachStreams> = {}): Promise<RunResult> {
  const { id } = await engine.containers.create({ ...options, detach: false });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const exitCode = await engine.containers.start(id, {
    stdout: (chunk) => stdout.push(Buffer.from(chunk)),
    stderr: (chunk) => stderr.push(Buffer.from(chunk)),
    ...extra,
  });
  return { id, exitCode, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() };
}

/**
 * The hooks every container kernel test file needs: root privileges and the built exit command
 * checked once, and the test's root swept after each test even when it failed. Returns the
 * function a test calls for its fresh root.
 */
export function useContainerRoots(): (options?: ContainerRootOptions) => Promise<ContainerRoot> {
  let root: ContainerRoot | undefined;
  beforeAll(async () => {
    requireRoot();
    await prepareExitCommand();
  }, 300_000);
  afterEach(async () => {
    await root?.cleanup();
    root = undefined;
  });
  return async (options) => {
    root = await createContainerRoot(options);
    return root;
  };
}
