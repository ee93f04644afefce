import { mkdir } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { BerthError } from "@berth/core";
import { listMountPoints } from "../storage/mountinfo.js";
import { runTool } from "../host/run-tool.js";

// Overlay mounts of a layer stack. The plan is pure data (unit tested); mountOverlay performs
// it. Lower layers are named by their short links and the mount runs with cwd = the links
// dir, so lowerdir=AAA:BBB:… stays within the kernel's one-page limit for the option string.

export interface OverlayMountRequest {
  /** Absolute paths of the layers' short links, top layer first, all in one directory. */
  lowerLinks: string[];
  upperDir?: string;
  workDir?: string;
  target: string;
}

export interface OverlayMountPlan {
  options: string;
  cwd: string;
}

/** mount(2) copies one page of option data, NUL included. */
export const MOUNT_OPTIONS_LIMIT = 4095;
/** overlayfs needs two lowers without an upper: a lone layer is stacked on this empty dir. */
export const EMPTY_LOWER = "empty";

const UNSAFE_OPTION_CHARS = /[,:\\\n]/;

function invalid(message: string): BerthError {
  return new BerthError("INVALID_ARGUMENT", message);
}

function checkPath(path: string, what: string): void {
  if (!isAbsolute(path)) throw invalid(`overlay ${what} must be an absolute path: ${path}`);
  if (UNSAFE_OPTION_CHARS.test(path)) throw invalid(`overlay ${what} contains a character mount options cannot carry: ${path}`);
}

export function planOverlayMount(request: OverlayMountRequest): OverlayMountPlan {
  const { lowerLinks, upperDir, workDir, target } = request;
  checkPath(target, "target");
  if (lowerLinks.length === 0) throw invalid("an overlay mount needs at least one lower layer");
  if ((upperDir === undefined) !== (workDir === undefined)) throw invalid("overlay upperdir and workdir go together");
  const cwd = dirname(lowerLinks[0]!);
  checkPath(cwd, "lower link directory");
  const names = lowerLinks.map((link) => {
    if (dirname(link) !== cwd) throw invalid(`all lower links must be in ${cwd}: ${link}`);
    const name = basename(link);
    if (UNSAFE_OPTION_CHARS.test(name) || name === EMPTY_LOWER) throw invalid(`invalid lower link name ${name}`);
    return name;
  });
  const parts: string[] = [];
  if (upperDir !== undefined && workDir !== undefined) {
    checkPath(upperDir, "upperdir");
    checkPath(workDir, "workdir");
    parts.push(`lowerdir=${names.join(":")}`, `upperdir=${upperDir}`, `workdir=${workDir}`);
    // A plain walk of the upperdir (tar-diff) is only a correct diff with these off.
    parts.push("index=off", "redirect_dir=off", "metacopy=off");
  } else {
    parts.push(`lowerdir=${[...names, ...(names.length === 1 ? [EMPTY_LOWER] : [])].join(":")}`);
  }
  const options = parts.join(",");
  if (Buffer.byteLength(options) > MOUNT_OPTIONS_LIMIT) {
    throw invalid(`overlay mount options for ${lowerLinks.length} layers exceed ${MOUNT_OPTIONS_LIMIT} bytes`);
  }
  return { options, cwd };
}

export async function mountOverlay(plan: OverlayMountPlan, target: string): Promise<void> {
  checkPath(target, "target");
  if (plan.options.endsWith(`:${EMPTY_LOWER}`)) await mkdir(join(plan.cwd, EMPTY_LOWER), { recursive: true, mode: 0o755 });
  await mkdir(target, { recursive: true, mode: 0o755 });
  const result = await runTool("mount", ["-t", "overlay", "overlay", "-o", plan.options, target], { cwd: plan.cwd, env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) {
    throw new BerthError("INTERNAL", `mounting overlay on ${target} failed: ${result.stderr || result.message}`);
  }
}

/** Unmounts `target`; a no-op when nothing is mounted there (cleanup must be idempotent). */
export async function unmount(target: string): Promise<void> {
  const path = resolve(target);
  if (!(await listMountPoints()).includes(path)) return;
  const result = await runTool("umount", [path], { env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) {
    throw new BerthError("INTERNAL", `unmounting ${target} failed: ${result.stderr || result.message}`);
  }
}
