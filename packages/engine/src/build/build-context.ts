import { readFile, rm, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import { Readable } from "node:stream";
import dockerignore from "@balena/dockerignore";
import { BerthError, type BuildOptions } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { loadExeca } from "../host/load-execa.js";
import { openDecompressed } from "../layers/decompress.js";
import { createStagingDir } from "../storage/staging.js";
import { openDigestCache, type DigestCache } from "./digest-cache.js";

/** The build context on disk, its .dockerignore rules and the Dockerfile's text. */
export interface BuildContext {
  dir: string;
  /** True for a context-relative path that .dockerignore leaves out. */
  isIgnored(rel: string): boolean;
  dockerfileText: string;
  /** The Dockerfile's name in error messages. */
  fileName: string;
  /** The file digests kept for a directory context (not for a tar, unpacked anew each time). */
  digests?: DigestCache;
  dispose(): Promise<void>;
}

/**
 * A directory context is used where it is; a tar context (`build -`, possibly compressed) is
 * unpacked into staging (GNU tar: members never leave the directory) and removed after the build.
 */
export async function openBuildContext(ctx: EngineContext, options: BuildOptions): Promise<BuildContext> {
  const { context } = options;
  let dir: string;
  let dispose = async () => {};
  let digests: DigestCache | undefined;
  if (context.kind === "dir") {
    dir = resolve(context.path);
    const stats = await stat(dir).catch(() => undefined);
    if (!stats?.isDirectory()) throw new BerthError("INVALID_ARGUMENT", `unable to prepare context: path ${JSON.stringify(context.path)} not found`);
    const cache = await openDigestCache(ctx.paths.root, dir);
    digests = cache;
    dispose = () => cache.save().catch((error: unknown) => ctx.logger.warn({ err: error }, "writing the build's digest cache"));
  } else {
    dir = await createStagingDir(ctx.paths.root, "build-context");
    dispose = () => rm(dir, { recursive: true, force: true });
    try {
      await unpackContext(context.stream, dir);
    } catch (error) {
      await dispose();
      throw error;
    }
  }
  try {
    const dockerfilePath = options.dockerfile === undefined ? join(dir, "Dockerfile") : isAbsolute(options.dockerfile) ? options.dockerfile : join(dir, options.dockerfile);
    const dockerfileText = options.dockerfileText ?? (await readDockerfile(dockerfilePath));
    const rules = await readFile(join(dir, ".dockerignore"), "utf8").catch(() => "");
    const matcher = dockerignore.default({ ignorecase: false }).add(rules);
    return {
      dir,
      isIgnored: (rel) => rel !== "" && matcher.ignores(rel),
      dockerfileText,
      fileName: options.dockerfileText === undefined ? basename(dockerfilePath) : "Dockerfile",
      ...(digests === undefined ? {} : { digests }),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function readDockerfile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new BerthError("INVALID_ARGUMENT", `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`);
    }
    throw error;
  }
}

async function unpackContext(stream: AsyncIterable<Uint8Array>, dir: string): Promise<void> {
  const { stream: tar } = await openDecompressed(stream);
  const execa = await loadExeca();
  const result = await execa("tar", ["-x", "--no-same-owner", "-C", dir], {
    input: Readable.from(tar),
    reject: false,
    env: { LC_ALL: "C" },
  });
  if (result.exitCode !== 0) {
    throw new BerthError("INVALID_ARGUMENT", `unable to prepare context: the context is not a valid tar: ${String(result.stderr).trim()}`);
  }
}
