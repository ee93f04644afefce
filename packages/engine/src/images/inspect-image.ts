import { familiarName, formatRfc3339Nano, type ImageConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { layerDiffDir } from "../layers/layer-dirs.js";
import { readImageConfig } from "./image-config.js";
import { findImage, listImageTags } from "./image-lookup.js";

const zeroTime = "0001-01-01T00:00:00Z";

/** docker image inspect's object (Engine API v1.41 field order), built from the stored config bytes. */
export async function inspectImage(ctx: EngineContext, text: string): Promise<Record<string, unknown>> {
  const row = await findImage(ctx, text);
  const config = await readImageConfig(ctx, row.id);
  const repoTags = await listImageTags(ctx, row.id);
  const repoDigests = await ctx.client.repoDigest.findMany({
    where: { nodeId: ctx.nodeId, imageId: row.id },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  const layers = await ctx.client.imageLayer.findMany({
    where: { nodeId: ctx.nodeId, imageId: row.id },
    orderBy: { position: "desc" },
    select: { chainId: true },
  });
  const dirs = layers.map((layer) => layerDiffDir(ctx.paths.root, layer.chainId));
  return {
    Id: row.id,
    RepoTags: repoTags,
    RepoDigests: repoDigests.map((digest) => familiarName(digest.name)),
    Parent: row.parentId ?? "",
    Comment: config.comment ?? "",
    Created: config.created ?? zeroTime,
    Container: config.container ?? "",
    ContainerConfig: containerConfigOf(config.container_config),
    DockerVersion: config.docker_version ?? "",
    Author: config.author ?? "",
    Config: containerConfigOf(config.config),
    Architecture: config.architecture,
    ...(config.variant ? { Variant: config.variant } : {}),
    Os: config.os,
    Size: Number(row.size),
    VirtualSize: Number(row.size),
    GraphDriver: {
      Name: "overlay",
      Data: dirs.length === 0 ? null : { ...(dirs.length > 1 ? { LowerDir: dirs.slice(1).join(":") } : {}), UpperDir: dirs[0] },
    },
    RootFS: { Type: "layers", Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: row.lastTagTime ? formatRfc3339Nano(row.lastTagTime) : zeroTime },
  };
}

/** docker fills a container config object with its zero values; keep what the image has, defaults for the rest. */
function containerConfigOf(config: ImageConfig["config"] | undefined | null): Record<string, unknown> {
  return {
    Hostname: "",
    Domainname: "",
    User: "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Image: "",
    Volumes: null,
    WorkingDir: "",
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
    ...(config ?? {}),
  };
}
