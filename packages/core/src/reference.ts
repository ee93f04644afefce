import { invalidArgument } from "./errors.js";
import { parseDigest } from "./digest.js";

/** A docker image reference, normalized the way `distribution/reference` does it. */
export interface ImageReference {
  /** Registry host (with port), e.g. "docker.io", "localhost:5000". */
  domain: string;
  /** Repository path inside the registry, e.g. "library/busybox". */
  path: string;
  /** "latest" when neither a tag nor a digest was given. */
  tag?: string;
  /** `algo:hex`. When present it wins over the tag for identity and resolution. */
  digest?: string;
  /** Full form: `docker.io/library/busybox:latest`, `repo@sha256:…`, or `repo:tag@sha256:…`. */
  canonical: string;
  /** `docker.io/library/busybox` */
  repository: string;
  /** Short form as docker prints it: `busybox:latest`, `localhost:5000/a/b:tag`, `name@sha256:…`. */
  familiar: string;
  /** `busybox`, `localhost:5000/a/b` */
  familiarRepository: string;
}

const DEFAULT_DOMAIN = "docker.io";
const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
const OFFICIAL_PREFIX = "library/";
const MAX_PATH_LENGTH = 255;

const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainPattern = new RegExp(`^${host}(?::[0-9]+)?$`);
const tagText = "[\\w][\\w.-]{0,127}";
const digestText = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
/** path[:tag][@digest], the part after the domain. */
const remainderPattern = new RegExp(
  `^(${pathComponent}(?:/${pathComponent})*)(?::(${tagText}))?(?:@(${digestText}))?$`,
);
const imageIdPattern = /^(?:sha256:)?[0-9a-f]{64}$/;
const idPrefixPattern = /^(?:sha256:)?[0-9a-f]{1,64}$/;

/** Parses and normalizes an image reference like `docker pull`/`docker tag` do. */
export function parseReference(text: string): ImageReference {
  if (/^[a-f0-9]{64}$/.test(text)) {
    throw invalidArgument(`invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(text);
  const colon = remainder.indexOf(":");
  const remoteName = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remoteName.toLowerCase() !== remoteName) {
    throw invalidArgument(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  }
  const match = remainderPattern.exec(remainder);
  if (match === null || !domainPattern.test(domain)) {
    if (remainderPattern.test(remainder.toLowerCase()) && domainPattern.test(domain)) {
      throw invalidArgument("invalid reference format: repository name must be lowercase");
    }
    throw invalidArgument("invalid reference format");
  }
  const path = match[1] ?? "";
  if (path.length > MAX_PATH_LENGTH) {
    throw invalidArgument(
      `invalid reference format: repository name must not be more than ${MAX_PATH_LENGTH} characters`,
    );
  }
  const digest = match[3];
  if (digest !== undefined) parseDigest(digest);
  const tag = match[2] ?? (digest === undefined ? "latest" : undefined);
  return buildReference(domain, path, tag, digest);
}

/** Assembles an {@link ImageReference} from already validated parts. */
export function buildReference(domain: string, path: string, tag?: string, digest?: string): ImageReference {
  const repository = `${domain}/${path}`;
  const familiarRepository = familiarName(repository);
  const suffix = (tag === undefined ? "" : `:${tag}`) + (digest === undefined ? "" : `@${digest}`);
  const reference: ImageReference = {
    domain,
    path,
    canonical: repository + suffix,
    repository,
    familiar: familiarRepository + suffix,
    familiarRepository,
  };
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;
  return reference;
}

/** `docker.io/library/busybox:latest` → `busybox:latest`; other registries are left as they are. */
export function familiarName(canonical: string): string {
  if (!canonical.startsWith(`${DEFAULT_DOMAIN}/`)) return canonical;
  const path = canonical.slice(DEFAULT_DOMAIN.length + 1);
  if (path.startsWith(OFFICIAL_PREFIX) && !path.slice(OFFICIAL_PREFIX.length).includes("/")) {
    return path.slice(OFFICIAL_PREFIX.length);
  }
  return path;
}

/** A full image ID: 64 lowercase hex, optionally prefixed with `sha256:`. */
export function isImageIdLike(text: string): boolean {
  return imageIdPattern.test(text);
}

/**
 * Whether `text` can name an image by ID prefix, as `docker rmi 3f5` does: 1 to 64 lowercase hex
 * characters, optionally prefixed with `sha256:`. A name that is also a tag (e.g. `abc`) is resolved
 * as a reference first; only when that fails should the caller try the ID prefix.
 */
export function looksLikeIdPrefix(text: string): boolean {
  return idPrefixPattern.test(text);
}

/** Docker's splitDockerDomain: decide whether the first component names a registry. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf("/");
  const first = slash >= 0 ? name.slice(0, slash) : "";
  const isHost =
    slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first);
  let domain = isHost ? first : DEFAULT_DOMAIN;
  let remainder = isHost ? name.slice(slash + 1) : name;
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}
