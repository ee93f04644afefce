import type { BuildService } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import type { ContainerRuntime } from "../containers/container-runtime.js";
import { buildImage } from "./build-image.js";

/** The local BuildService: the classic builder over this root, its RUN steps in real containers. */
export function createBuildService(ctx: EngineContext, runtime: ContainerRuntime): BuildService {
  return { build: (options) => buildImage(ctx, runtime, options) };
}
