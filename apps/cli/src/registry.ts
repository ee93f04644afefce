import type { CommandModule, CommandSpec } from "./command-spec.js";

/** A command in the registry: every name it answers to, and how to load its module. */
export interface RegisteredCommand {
  /** The spec's name first, then its aliases (a unit test keeps the two in step). */
  names: readonly string[];
  load(): Promise<CommandModule>;
}

function register<S extends CommandSpec>(
  names: readonly string[],
  load: () => Promise<CommandModule<S>>,
): RegisteredCommand {
  return { names, load: load as () => Promise<CommandModule> };
}

/** Management commands (`berth image …`) and what their help says about them. */
export const commandGroups: Readonly<Record<string, string>> = {
  container: "Manage containers",
  image: "Manage images",
  system: "Manage berth",
};

/**
 * Every command, lazily loaded: dispatching `berth version` imports only its own module.
 * docker's top-level shortcuts (`images`, `rmi`, …) are aliases of the same files.
 */
export const commandRegistry: readonly RegisteredCommand[] = [
  register(["container create", "create"], () => import("./commands/container/create.js")),
  register(["container run", "run"], () => import("./commands/container/run.js")),
  register(["container start", "start"], () => import("./commands/container/start.js")),
  register(["container ls", "container list", "container ps", "ps"], () => import("./commands/container/ps.js")),
  register(["container stop", "stop"], () => import("./commands/container/stop.js")),
  register(["container kill", "kill"], () => import("./commands/container/kill.js")),
  register(["container pause", "pause"], () => import("./commands/container/pause.js")),
  register(["container unpause", "unpause"], () => import("./commands/container/unpause.js")),
  register(["container restart", "restart"], () => import("./commands/container/restart.js")),
  register(["container rm", "container remove", "rm"], () => import("./commands/container/rm.js")),
  register(["container wait", "wait"], () => import("./commands/container/wait.js")),
  register(["container logs", "logs"], () => import("./commands/container/logs.js")),
  register(["container inspect"], () => import("./commands/container/inspect.js")),
  register(["container cleanup"], () => import("./commands/container/cleanup.js")),
  register(["image ls", "image list", "images"], () => import("./commands/image/ls.js")),
  register(["image history", "history"], () => import("./commands/image/history.js")),
  register(["image inspect"], () => import("./commands/image/inspect.js")),
  register(["image tag", "tag"], () => import("./commands/image/tag.js")),
  register(["image rm", "image remove", "rmi"], () => import("./commands/image/rm.js")),
  register(["image prune"], () => import("./commands/image/prune.js")),
  register(["image save", "save"], () => import("./commands/image/save.js")),
  register(["image load", "load"], () => import("./commands/image/load.js")),
  register(["image import", "import"], () => import("./commands/image/import.js")),
  register(["inspect"], () => import("./commands/system/inspect.js")),
  register(["system info", "info"], () => import("./commands/system/info.js")),
  register(["system events", "events"], () => import("./commands/system/events.js")),
  register(["system df"], () => import("./commands/system/df.js")),
  register(["system check"], () => import("./commands/system/check.js")),
  register(["system boot"], () => import("./commands/system/boot.js")),
  register(["version"], () => import("./commands/system/version.js")),
];

export interface CommandMatch {
  command: RegisteredCommand;
  /** The name as typed, e.g. "images" or "image ls". */
  invokedAs: string;
  /** The words after the name. */
  argv: string[];
}

/** Find the command named by the first one or two words of argv. */
export function findCommand(words: readonly string[]): CommandMatch | undefined {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(" ");
    if (words.length < length) continue;
    const command = commandRegistry.find((entry) => entry.names.includes(name));
    if (command !== undefined) return { command, invokedAs: name, argv: words.slice(length) };
  }
  return undefined;
}
