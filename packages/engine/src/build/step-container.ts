import { rm } from "node:fs/promises";
import type { EngineContext } from "../engine-context.js";
import { killContainer, removeContainer, startContainer } from "../containers/container-lifecycle.js";
import { containerPaths } from "../containers/container-paths.js";
import { mountRootfs, unmountRootfs } from "../containers/container-rootfs.js";
import type { ContainerRuntime } from "../containers/container-runtime.js";
import { findContainerRow } from "../containers/container-store.js";
import { createContainer } from "../containers/create-container.js";
import { listContainers } from "../containers/list-containers.js";
import { createStagingDir, isProcessAlive } from "../storage/staging.js";

// The containers of build steps: RUN runs one attached; ADD, COPY and WORKDIR mount one's rootfs
// without starting it and write into it. Each carries the building process's pid in a label, so
// the next build removes what a killed build left behind.

export const BUILD_OWNER_LABEL = "berth.build.owner";

export interface StepContainer {
  id: string;
  upperDir: string;
}

async function createStepContainer(ctx: EngineContext, runtime: ContainerRuntime, imageId: string, cmd: string[], env: string[], network = "none"): Promise<StepContainer> {
  const { id } = await createContainer(ctx, runtime, {
    image: imageId,
    cmd,
    entrypoint: "",
    env,
    network: [network],
    labels: { [BUILD_OWNER_LABEL]: String(process.pid) },
  });
  return { id, upperDir: containerPaths(ctx.paths, id).upper };
}

/** Removes a step's container and its anonymous volumes (idempotent). */
export async function removeStepContainer(ctx: EngineContext, runtime: ContainerRuntime, id: string): Promise<void> {
  await removeContainer(ctx, runtime, id, { force: true, volumes: true }).catch(() => undefined);
}

/** A RUN step: the command in a container of the image, its output relayed; resolves with its exit code. */
export async function runStepContainer(
  ctx: EngineContext,
  runtime: ContainerRuntime,
  request: { imageId: string; cmd: string[]; env: string[]; network?: string; signal?: AbortSignal },
  output: (text: string, stream: "stdout" | "stderr") => void,
  onCreated: (container: StepContainer) => void,
): Promise<{ container: StepContainer; exitCode: number }> {
  request.signal?.throwIfAborted();
  const container = await createStepContainer(ctx, runtime, request.imageId, request.cmd, request.env, request.network ?? "default");
  onCreated(container);
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const kill = () => void killContainer(ctx, runtime, container.id, "KILL").catch(() => undefined);
  request.signal?.addEventListener("abort", kill, { once: true });
  if (request.signal?.aborted) kill();
  try {
    const exitCode = await startContainer(ctx, runtime, container.id, {
      stdout: (chunk) => output(decoder.stdout.decode(chunk, { stream: true }), "stdout"),
      stderr: (chunk) => output(decoder.stderr.decode(chunk, { stream: true }), "stderr"),
    });
    return { container, exitCode: exitCode ?? 0 };
  } finally {
    request.signal?.removeEventListener("abort", kill);
  }
}

/** What a step wrote: an upper dir to commit, and how to let it go. */
export interface WrittenStep {
  upperDir: string;
  containerId?: string;
  /** dispose() removes the upper dir (with its container): the commit may move it into the layer. */
  isUpperDisposed: boolean;
  dispose(): Promise<void>;
}

/**
 * ADD, COPY, WORKDIR: a container of the image whose rootfs is mounted (not started) while
 * `write` fills it; on `scratch` (no image yet) a plain staging dir is the whole rootfs.
 */
export async function writeStepContainer(
  ctx: EngineContext,
  runtime: ContainerRuntime,
  imageId: string | undefined,
  write: (rootfs: string) => Promise<void>,
): Promise<WrittenStep> {
  if (imageId === undefined) {
    const dir = await createStagingDir(ctx.paths.root, "build-scratch");
    const dispose = () => rm(dir, { recursive: true, force: true });
    try {
      await write(dir);
      return { upperDir: dir, isUpperDisposed: true, dispose };
    } catch (error) {
      await dispose();
      throw error;
    }
  }
  const container = await createStepContainer(ctx, runtime, imageId, ["true"], []);
  const dispose = () => removeStepContainer(ctx, runtime, container.id);
  const paths = containerPaths(ctx.paths, container.id);
  try {
    await mountRootfs(ctx, await findContainerRow(ctx, container.id), paths);
    try {
      await write(paths.merged);
    } finally {
      await unmountRootfs(paths);
    }
    return { upperDir: container.upperDir, containerId: container.id, isUpperDisposed: true, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Reads an image's files (COPY --from): its rootfs mounted in a container that never starts. */
export async function withImageRootfs(ctx: EngineContext, runtime: ContainerRuntime, imageId: string, read: (rootfs: string) => Promise<void>): Promise<void> {
  const written = await writeStepContainer(ctx, runtime, imageId, read);
  await written.dispose();
}

/** Removes the step containers of builds whose process is gone (SIGKILL, a crash). */
export async function sweepBuildContainers(ctx: EngineContext, runtime: ContainerRuntime): Promise<void> {
  const leftovers = await listContainers(ctx, runtime, { all: true, filters: { label: [BUILD_OWNER_LABEL] } });
  for (const container of leftovers) {
    const owner = Number(container.labels[BUILD_OWNER_LABEL]);
    if (owner !== process.pid && !isProcessAlive(owner)) await removeStepContainer(ctx, runtime, container.id);
  }
}
