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
  network: "Manage networks",
  system: "Manage berth",
  volume: "Manage volumes",
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
  register(["container commit", "commit"], () => import("./commands/container/commit.js")),
  register(["container cleanup"], () => import("./commands/container/cleanup.js")),
  register(["container rename", "rename"], () => import("./commands/container/rename.js")),
  register(["container prune"], () => import("./commands/container/prune.js")),
  register(["volume create"], () => import("./commands/volume/create.js")),
  register(["volume ls", "volume list"], () => import("./commands/volume/ls.js")),
  register(["volume inspect"], () => import("./commands/volume/inspect.js")),
  register(["volume rm", "volume remove"], () => import("./commands/volume/rm.js")),
  register(["volume prune"], () => import("./commands/volume/prune.js")),
  register(["system prune"], () => import("./commands/system/prune.js")),
  register(["container exec", "exec"], () => import("./commands/container/exec.js")),
  register(["container attach", "attach"], () => import("./commands/container/attach.js")),
  register(["container top", "top"], () => import("./commands/container/top.js")),
  register(["container stats", "stats"], () => import("./commands/container/stats.js")),
  register(["container diff", "diff"], () => import("./commands/container/diff.js")),
  register(["container export", "export"], () => import("./commands/container/export.js")),
  register(["container cp", "cp"], () => import("./commands/container/cp.js")),
  register(["container port", "port"], () => import("./commands/container/port.js")),
  register(["network create"], () => import("./commands/network/create.js")),
  register(["network ls", "network list"], () => import("./commands/network/ls.js")),
  register(["network inspect"], () => import("./commands/network/inspect.js")),
  register(["network rm", "network remove"], () => import("./commands/network/rm.js")),
  register(["network prune"], () => import("./commands/network/prune.js")),
  register(["network connect"], () => import("./commands/network/connect.js")),
  register(["network disconnect"], () => import("./commands/network/disconnect.js")),
  register(["image ls", "image list", "images"], () => import("./commands/image/ls.js")),
  register(["image history", "history"], () => import("./commands/image/history.js")),
  register(["image inspect"], () => import("./commands/image/inspect.js")),
  register(["image tag", "tag"], () => import("./commands/image/tag.js")),
  register(["image rm", "image remove", "rmi"], () => import("./commands/image/rm.js")),
  register(["image prune"], () => import("./commands/image/prune.js")),
  register(["image save", "save"], () => import("./commands/image/save.js")),
  register(["image load", "load"], () => import("./commands/image/load.js")),
  register(["image build", "build"], () => import("./commands/image/build.js")),
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
