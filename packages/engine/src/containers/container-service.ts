import type { ContainerService } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { cleanupContainer } from "./container-cleanup.js";
import {
  killContainer, pauseContainer, removeContainer, restartContainer, startContainer, stopContainer, waitContainer,
} from "./container-lifecycle.js";
import { containerLogs } from "./container-logs.js";
import { createContainerRuntime } from "./container-runtime.js";
import { createContainer } from "./create-container.js";
import { inspectContainer } from "./inspect-container.js";
import { listContainers } from "./list-containers.js";
import { bootContainers } from "./system-boot.js";

/** The local ContainerService: each method is one engine function over this root. */
export function createContainerService(ctx: EngineContext): ContainerService {
  const runtime = createContainerRuntime(ctx);
  return {
    create: (options) => createContainer(ctx, runtime, options),
    start: (text, attach) => startContainer(ctx, runtime, text, attach),
    list: (options) => listContainers(ctx, runtime, options),
    inspect: (text) => inspectContainer(ctx, runtime, text),
    stop: (text, options) => stopContainer(ctx, runtime, text, options),
    kill: (text, signal) => killContainer(ctx, runtime, text, signal),
    pause: (text) => pauseContainer(ctx, runtime, text, true),
    unpause: (text) => pauseContainer(ctx, runtime, text, false),
    restart: (text, options) => restartContainer(ctx, runtime, text, options),
    remove: (text, options) => removeContainer(ctx, runtime, text, options),
    wait: (text) => waitContainer(ctx, runtime, text),
    logs: (text, options) => containerLogs(ctx, runtime, text, options),
    cleanup: (text) => cleanupContainer(ctx, runtime, text),
    boot: () => bootContainers(ctx, runtime),
  };
}
