import { randomInt } from "node:crypto";
import { mkdir, readFile, readlink, rename, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { BerthError } from "@berth/core";
import { sha256Hex } from "../storage/sha256.js";
import { createStagingDir } from "../storage/staging.js";

// <root>/layers/<chain-id hex>/diff is an extracted layer; <root>/layers/<hex>/link holds its
// short name, and <root>/layers/l/<name> is a symlink to ../<hex>/diff, so that a mount run
// from <root>/layers/l can name 125+ lowerdirs within the 4 KiB option limit (like overlay2).

const LINK_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LINK_LENGTH = 26;
const LINK_NAME = /^[A-Z0-9]{26}$/;

export function layersDir(root: string): string {
  return join(resolve(root), "layers");
}

export function layerLinksDir(root: string): string {
  return join(layersDir(root), "l");
}

export function layerDir(root: string, chainId: string): string {
  return join(layersDir(root), sha256Hex(chainId, "chain id"));
}

export function layerDiffDir(root: string, chainId: string): string {
  return join(layerDir(root, chainId), "diff");
}

export function layerLinkPath(root: string, linkName: string): string {
  if (!LINK_NAME.test(linkName)) throw new BerthError("INVALID_ARGUMENT", `invalid layer link name ${JSON.stringify(linkName)}`);
  return join(layerLinksDir(root), linkName);
}

function randomLinkName(): string {
  let name = "";
  for (let i = 0; i < LINK_LENGTH; i++) name += LINK_CHARS[randomInt(LINK_CHARS.length)];
  return name;
}

/** The short link name recorded for a layer, or undefined if it has none. */
export async function readLayerLink(root: string, chainId: string): Promise<string | undefined> {
  try {
    const name = (await readFile(join(layerDir(root, chainId), "link"), "utf8")).trim();
    return LINK_NAME.test(name) ? name : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Gives the layer already in place at layers/<hex> a unique short link name: the symlink
 * l/<name> → ../<hex>/diff and the file layers/<hex>/link. Idempotent: an existing valid
 * link is returned as is. Returns the link's absolute path (what planOverlayMount takes).
 */
export async function createLayerLink(root: string, chainId: string): Promise<string> {
  const hex = sha256Hex(chainId, "chain id");
  const target = `../${hex}/diff`;
  const existing = await readLayerLink(root, chainId);
  if (existing !== undefined && (await readlink(layerLinkPath(root, existing)).catch(() => undefined)) === target) {
    return layerLinkPath(root, existing);
  }
  await mkdir(layerLinksDir(root), { recursive: true, mode: 0o700 });
  for (;;) {
    const name = randomLinkName();
    try {
      await symlink(target, layerLinkPath(root, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
      throw error;
    }
    const temp = join(layerDir(root, chainId), `link.${process.pid}`);
    await writeFile(temp, name);
    await rename(temp, join(layerDir(root, chainId), "link"));
    if (existing !== undefined) await unlink(layerLinkPath(root, existing)).catch(() => undefined);
    return layerLinkPath(root, name);
  }
}

/**
 * Removes a layer's directory and its short link. Idempotent. The directory is first renamed
 * into staging so that it disappears at once; a crash mid-delete leaves only staging litter.
 */
export async function removeLayerDir(root: string, chainId: string): Promise<void> {
  const dir = layerDir(root, chainId);
  const linkName = await readLayerLink(root, chainId);
  if (linkName !== undefined) {
    const link = layerLinkPath(root, linkName);
    if ((await readlink(link).catch(() => undefined)) === `../${sha256Hex(chainId)}/diff`) await unlink(link);
  }
  const trash = await createStagingDir(root, "remove");
  try {
    await rename(dir, join(trash, "layer"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  } finally {
    await rm(trash, { recursive: true, force: true });
  }
}
