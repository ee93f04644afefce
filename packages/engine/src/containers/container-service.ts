import type { ContainerService } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { archiveContainerPath, exportContainer, extractToContainerPath, statContainerPath } from "./container-archive.js";
import { cleanupContainer } from "./container-cleanup.js";
import { diffContainer } from "./container-diff.js";
import { commitContainer } from "./commit-container.js";
import {
  attachContainer, killContainer, pauseContainer, removeContainer, restartContainer, startContainer, stopContainer, waitContainer,
} from "./container-lifecycle.js";
import { containerLogs } from "./container-logs.js";
import { containerStats } from "./container-stats.js";
import { createContainerRuntime } from "./container-runtime.js";
import { createContainer } from "./create-container.js";
import { execInContainer } from "./exec-container.js";
import { inspectContainer } from "./inspect-container.js";
import { listContainers } from "./list-containers.js";
import { pruneContainers } from "./prune-containers.js";
import { renameContainer } from "./rename-container.js";
import { topContainer } from "./top-container.js";
import { containerPorts } from "../network/endpoints.js";
import { bootContainers } from "./system-boot.js";

/** The local ContainerService: each method is one engine function over this root. */
export function createContainerService(ctx: EngineContext, runtime = createContainerRuntime(ctx)): ContainerService {
  return {
    create: (options) => createContainer(ctx, runtime, options),
    start: (text, attach) => startContainer(ctx, runtime, text, attach),
    list: (options) => listContainers(ctx, runtime, options),
    ports: (text) => containerPorts(ctx, runtime, text),
    inspect: (text) => inspectContainer(ctx, runtime, text),
    stop: (text, options) => stopContainer(ctx, runtime, text, options),
    kill: (text, signal) => killContainer(ctx, runtime, text, signal),
    pause: (text) => pauseContainer(ctx, runtime, text, true),
    unpause: (text) => pauseContainer(ctx, runtime, text, false),
    restart: (text, options) => restartContainer(ctx, runtime, text, options),
    remove: (text, options) => removeContainer(ctx, runtime, text, options),
    rename: (text, newName) => renameContainer(ctx, text, newName),
    prune: (options) => pruneContainers(ctx, runtime, options),
    wait: (text) => waitContainer(ctx, runtime, text),
    logs: (text, options) => containerLogs(ctx, runtime, text, options),
    cleanup: (text) => cleanupContainer(ctx, runtime, text),
    exec: (text, options, streams) => execInContainer(ctx, runtime, text, options, streams),
    attach: (text, streams) => attachContainer(ctx, runtime, text, streams),
    top: (text, psArgs) => topContainer(ctx, runtime, text, psArgs),
    stats: (options) => containerStats(ctx, runtime, options),
    diff: (text) => diffContainer(ctx, text),
    export: (text) => exportContainer(ctx, runtime, text),
    statPath: (text, path) => statContainerPath(ctx, runtime, text, path),
    archivePath: (text, path) => archiveContainerPath(ctx, runtime, text, path),
    extractToPath: (text, path, tar, options) => extractToContainerPath(ctx, runtime, text, path, tar, options),
    commit: (text, options) => commitContainer(ctx, runtime, text, options),
    boot: () => bootContainers(ctx, runtime),
  };
}
