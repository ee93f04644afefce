#!/usr/bin/env node
// Turns one layer tar into an image directory in the layout `docker save` writes
// since Docker 25 (an OCI image layout plus manifest.json and repositories).
// Plain Node, no dependencies: the install runs it before any package exists.
//
// usage: write-image.mjs --layer FILE --out DIR --epoch SECONDS --arch DPKG_ARCH
//                        --created-by TEXT
// Prints the image ID (sha256 of the config bytes) on stdout.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    layer: { type: "string" },
    out: { type: "string" },
    epoch: { type: "string" },
    arch: { type: "string" },
    "created-by": { type: "string" },
  },
  strict: true,
});
for (const key of ["layer", "out", "epoch", "arch", "created-by"]) {
  if (args[key] === undefined) throw new Error(`write-image.mjs: --${key} is required`);
}

// Debian architecture names to the GOARCH (+ variant) that image configs use.
const GO_PLATFORMS = {
  amd64: { architecture: "amd64" },
  arm64: { architecture: "arm64", variant: "v8" },
  armhf: { architecture: "arm", variant: "v7" },
  armel: { architecture: "arm", variant: "v5" },
  i386: { architecture: "386" },
  ppc64el: { architecture: "ppc64le" },
  s390x: { architecture: "s390x" },
  riscv64: { architecture: "riscv64" },
  mips64el: { architecture: "mips64le" },
};
const platform = GO_PLATFORMS[args.arch];
if (!platform) throw new Error(`write-image.mjs: no Go name known for architecture ${args.arch}`);

const epoch = Number(args.epoch);
if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`write-image.mjs: bad --epoch ${args.epoch}`);
const created = new Date(epoch * 1000).toISOString().replace(".000Z", "Z");

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

// Go's encoding/json output: compact, with <, > and & escaped.
const goJson = (value) =>
  JSON.stringify(value).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);

// Keys sorted at every level, so the bytes (and the image ID) depend only on the content.
const sortKeys = (value) => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
};

const blobsDir = join(args.out, "blobs", "sha256");
mkdirSync(blobsDir, { recursive: true });

const writeBlob = (bytes) => {
  const hex = sha256(bytes);
  writeFileSync(join(blobsDir, hex), bytes);
  return { hex, size: bytes.length };
};

// The layer blob is named by its DiffID (sha256 of the uncompressed tar).
const layerBytes = readFileSync(args.layer);
const diffIdHex = sha256(layerBytes);
renameSync(args.layer, join(blobsDir, diffIdHex));

const configBytes = Buffer.from(
  goJson(
    sortKeys({
      ...platform,
      os: "linux",
      created,
      config: {
        Cmd: ["sh"],
        Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      },
      rootfs: { type: "layers", diff_ids: [`sha256:${diffIdHex}`] },
      history: [
        { created, created_by: args["created-by"] },
        { created, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      ],
    }),
  ),
);
const config = writeBlob(configBytes);

const manifest = writeBlob(
  Buffer.from(
    goJson({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: `sha256:${config.hex}`,
        size: config.size,
      },
      layers: [
        {
          mediaType: "application/vnd.oci.image.layer.v1.tar",
          digest: `sha256:${diffIdHex}`,
          size: layerBytes.length,
        },
      ],
    }),
  ),
);

const REPOSITORY = "busybox";
const TAG = "latest";

writeFileSync(
  join(args.out, "index.json"),
  goJson({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: `sha256:${manifest.hex}`,
        size: manifest.size,
        annotations: {
          "io.containerd.image.name": `docker.io/library/${REPOSITORY}:${TAG}`,
          "org.opencontainers.image.ref.name": TAG,
        },
      },
    ],
  }),
);
writeFileSync(
  join(args.out, "manifest.json"),
  goJson([
    {
      Config: `blobs/sha256/${config.hex}`,
      RepoTags: [`${REPOSITORY}:${TAG}`],
      Layers: [`blobs/sha256/${diffIdHex}`],
    },
  ]) + "\n",
);
writeFileSync(join(args.out, "oci-layout"), goJson({ imageLayoutVersion: "1.0.0" }));
writeFileSync(
  join(args.out, "repositories"),
  goJson({ [REPOSITORY]: { [TAG]: diffIdHex } }) + "\n",
);

process.stdout.write(`sha256:${config.hex}\n`);
