import { dockerArchiveManifestSchema, ociIndexSchema, ociManifestSchema, parseReference } from "@berth/core";
import { invalidArchive, readArchiveBytes, type ArchiveFile, type ArchiveIndex } from "./archive-index.js";

/** One image of an archive: where its config and layers are, and the names it brings. */
export interface ArchiveImage {
  config: ArchiveFile;
  layers: ArchiveFile[];
  /** Canonical names with tags. */
  tags: string[];
  parentId?: string;
}

/**
 * Read what an unpacked archive holds: manifest.json (docker's layouts, old and 25+) when
 * present, else an OCI layout's index.json with names from its annotations.
 */
export async function readArchiveImages(index: ArchiveIndex): Promise<ArchiveImage[]> {
  if (index.has("manifest.json")) {
    const parsed = dockerArchiveManifestSchema.safeParse(await readJson(index, "manifest.json"));
    if (!parsed.success) throw invalidArchive(`manifest.json: ${parsed.error.issues[0]?.message}`);
    const images: ArchiveImage[] = [];
    for (const entry of parsed.data) {
      images.push({
        config: index.resolve(entry.Config),
        layers: entry.Layers.map((layer) => index.resolve(layer)),
        tags: (entry.RepoTags ?? []).map(tagOf),
        ...(entry.Parent ? { parentId: entry.Parent } : {}),
      });
    }
    return images;
  }
  if (index.has("index.json")) return readOciLayout(index);
  throw invalidArchive("neither manifest.json nor index.json found");
}

async function readOciLayout(archive: ArchiveIndex): Promise<ArchiveImage[]> {
  const index = ociIndexSchema.safeParse(await readJson(archive, "index.json"));
  if (!index.success) throw invalidArchive(`index.json: ${index.error.issues[0]?.message}`);
  const byManifest = new Map<string, ArchiveImage>();
  for (const descriptor of index.data.manifests) {
    const manifestFile = archive.resolve(blobName(descriptor.digest));
    let image = byManifest.get(descriptor.digest);
    if (!image) {
      const manifest = ociManifestSchema.safeParse(JSON.parse((await readArchiveBytes(manifestFile)).toString("utf8")));
      if (!manifest.success) throw invalidArchive(`manifest ${descriptor.digest}: ${manifest.error.issues[0]?.message}`);
      image = {
        config: archive.resolve(blobName(manifest.data.config.digest)),
        layers: manifest.data.layers.map((layer) => archive.resolve(blobName(layer.digest))),
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

async function readJson(index: ArchiveIndex, name: string): Promise<unknown> {
  const bytes = await readArchiveBytes(index.resolve(name));
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw invalidArchive(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}
