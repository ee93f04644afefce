import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { dockerArchiveManifestSchema, ociIndexSchema, ociManifestSchema, parseReference } from "@berth/core";
import { invalidArchive, resolveInArchive } from "./archive-staging.js";

/** One image of an archive: where its config and layers are, and the names it brings. */
export interface ArchiveImage {
  configPath: string;
  layerPaths: string[];
  /** Canonical names with tags. */
  tags: string[];
  parentId?: string;
}

/**
 * Read what an unpacked archive holds: manifest.json (docker's layouts, old and 25+) when
 * present, else an OCI layout's index.json with names from its annotations.
 */
export async function readArchiveImages(dir: string): Promise<ArchiveImage[]> {
  if (existsSync(join(dir, "manifest.json"))) {
    const parsed = dockerArchiveManifestSchema.safeParse(await readJson(dir, "manifest.json"));
    if (!parsed.success) throw invalidArchive(`manifest.json: ${parsed.error.issues[0]?.message}`);
    const images: ArchiveImage[] = [];
    for (const entry of parsed.data) {
      images.push({
        configPath: await resolveInArchive(dir, entry.Config),
        layerPaths: await Promise.all(entry.Layers.map((layer) => resolveInArchive(dir, layer))),
        tags: (entry.RepoTags ?? []).map(tagOf),
        ...(entry.Parent ? { parentId: entry.Parent } : {}),
      });
    }
    return images;
  }
  if (existsSync(join(dir, "index.json"))) return readOciLayout(dir);
  throw invalidArchive("neither manifest.json nor index.json found");
}

async function readOciLayout(dir: string): Promise<ArchiveImage[]> {
  const index = ociIndexSchema.safeParse(await readJson(dir, "index.json"));
  if (!index.success) throw invalidArchive(`index.json: ${index.error.issues[0]?.message}`);
  const byManifest = new Map<string, ArchiveImage>();
  for (const descriptor of index.data.manifests) {
    const manifestPath = await resolveInArchive(dir, blobName(descriptor.digest));
    let image = byManifest.get(descriptor.digest);
    if (!image) {
      const manifest = ociManifestSchema.safeParse(JSON.parse(await readFile(manifestPath, "utf8")));
      if (!manifest.success) throw invalidArchive(`manifest ${descriptor.digest}: ${manifest.error.issues[0]?.message}`);
      image = {
        configPath: await resolveInArchive(dir, blobName(manifest.data.config.digest)),
        layerPaths: await Promise.all(manifest.data.layers.map((layer) => resolveInArchive(dir, blobName(layer.digest)))),
        tags: [],
      };
      byManifest.set(descriptor.digest, image);
    }
    const name = descriptor.annotations?.["io.containerd.image.name"] ?? fullReferenceName(descriptor.annotations?.["org.opencontainers.image.ref.name"]);
    if (name) image.tags.push(tagOf(name));
  }
  return [...byManifest.values()];
}

/**
 * OCI's ref.name is usually a bare tag ("latest"), which names nothing without a repository; skopeo
 * and umoci write a full reference there instead ("localhost/app:1"), recognisable by its ":" or
 * "/" (a tag has neither). Such a name is used when it parses as a name with a tag.
 */
function fullReferenceName(refName: string | undefined): string | undefined {
  if (!refName || !/[:/]/.test(refName)) return undefined;
  try {
    const ref = parseReference(refName);
    return ref.digest ? undefined : refName;
  } catch {
    return undefined;
  }
}

function blobName(digest: string): string {
  const [algorithm, hex] = digest.split(":");
  if (algorithm !== "sha256" || !hex || !/^[0-9a-f]{64}$/.test(hex)) throw invalidArchive(`unsupported digest ${digest}`);
  return `blobs/sha256/${hex}`;
}

/** A RepoTags entry must be a name with a tag (docker refuses digests there). */
function tagOf(text: string): string {
  const ref = parseReference(text);
  if (ref.digest) throw invalidArchive(`invalid tag ${text}: a digest is not a tag`);
  return ref.canonical;
}

async function readJson(dir: string, name: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(join(dir, name), "utf8"));
  } catch (error) {
    throw invalidArchive(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}
