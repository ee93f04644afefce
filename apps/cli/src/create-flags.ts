import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { invalidArgument, parseEnvOptions, parseLabels, type ContainerCreateOptions } from "@berth/core";
import { booleanOption, listOption, stringOption } from "./command-spec.js";
import type { CommandContext } from "./context.js";

/**
 * The flags `create` and `run` share, with docker's names. Values go to the engine as typed; it
 * checks them with core's parsers, so the CLI, the console and the SDK give the same messages.
 */
export const createFlagOptions = {
  capAdd: listOption("--cap-add list", "Add Linux capabilities"),
  capDrop: listOption("--cap-drop list", "Drop Linux capabilities"),
  cpuShares: stringOption("-c, --cpu-shares int", "CPU shares (relative weight)"),
  cpus: stringOption("--cpus decimal", "Number of CPUs"),
  entrypoint: stringOption("--entrypoint string", "Overwrite the default ENTRYPOINT of the image"),
  env: listOption("-e, --env list", "Set environment variables (NAME=value, or NAME to copy berth's own)"),
  envFile: listOption("--env-file list", "Read in a file of environment variables"),
  hostname: stringOption("-h, --hostname string", "Container host name"),
  init: booleanOption("--init", "Run an init inside the container that forwards signals and reaps processes"),
  interactive: booleanOption("-i, --interactive", "Keep STDIN open even if not attached"),
  label: listOption("-l, --label list", "Set metadata on a container"),
  labelFile: listOption("--label-file list", "Read in a line delimited file of labels"),
  memory: stringOption("-m, --memory bytes", "Memory limit"),
  memorySwap: stringOption("--memory-swap bytes", "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
  mount: listOption("--mount mount", "Attach a filesystem mount to the container"),
  name: stringOption("--name string", "Assign a name to the container"),
  oomScoreAdj: stringOption("--oom-score-adj int", "Tune host's OOM preferences (-1000 to 1000)"),
  pidsLimit: stringOption("--pids-limit int", "Tune container pids limit (set -1 for unlimited)"),
  privileged: booleanOption("--privileged", "Give extended privileges to this container (all capabilities and devices)"),
  pull: stringOption("--pull string", 'Pull image before running ("always", "missing", "never") (default "missing")'),
  readOnly: booleanOption("--read-only", "Mount the container's root filesystem as read only"),
  restart: stringOption("--restart string", 'Restart policy to apply when a container exits (default "no")'),
  rm: booleanOption("--rm", "Automatically remove the container and its anonymous volumes when it exits"),
  securityOpt: listOption("--security-opt list", "Security Options"),
  shmSize: stringOption("--shm-size bytes", "Size of /dev/shm"),
  stopSignal: stringOption("--stop-signal string", "Signal to stop the container"),
  stopTimeout: stringOption("--stop-timeout int", "Timeout (in seconds) to stop a container"),
  tmpfs: listOption("--tmpfs list", "Mount a tmpfs directory"),
  tty: booleanOption("-t, --tty", "Allocate a pseudo-TTY"),
  user: stringOption("-u, --user string", "Username or UID (format: <name|uid>[:<group|gid>])"),
  volume: listOption("-v, --volume list", "Bind mount a volume"),
  workdir: stringOption("-w, --workdir string", "Working directory inside the container"),
} as const;

/** The parsed values of {@link createFlagOptions}. */
export interface CreateFlagValues {
  capAdd: string[];
  capDrop: string[];
  cpuShares: string | undefined;
  cpus: string | undefined;
  entrypoint: string | undefined;
  env: string[];
  envFile: string[];
  hostname: string | undefined;
  init: boolean;
  interactive: boolean;
  label: string[];
  labelFile: string[];
  memory: string | undefined;
  memorySwap: string | undefined;
  mount: string[];
  name: string | undefined;
  oomScoreAdj: string | undefined;
  pidsLimit: string | undefined;
  privileged: boolean;
  pull: string | undefined;
  readOnly: boolean;
  restart: string | undefined;
  rm: boolean;
  securityOpt: string[];
  shmSize: string | undefined;
  stopSignal: string | undefined;
  stopTimeout: string | undefined;
  tmpfs: string[];
  tty: boolean;
  user: string | undefined;
  volume: string[];
  workdir: string | undefined;
}

/**
 * `IMAGE [COMMAND] [ARG…]` and the flags as the service's create options, values as typed. The
 * CLI's own part: reading the `--env-file`/`--label-file` files (relative to the working
 * directory), and resolving the environment with core's parseEnvOptions, since a bare `NAME`
 * (from `-e` or an env file) takes its value from berth's own environment, which only the caller
 * has; `-l` flags become the service's label map with core's parseLabels.
 */
export async function toCreateOptions(
  ctx: CommandContext,
  [image, ...cmd]: readonly string[],
  flags: CreateFlagValues,
  options: { isDetached: boolean },
): Promise<ContainerCreateOptions> {
  if (image === undefined) throw invalidArgument("an image is required");
  const [envFiles, labelFiles] = await Promise.all([readFlagFiles(ctx, flags.envFile), readFlagFiles(ctx, flags.labelFile)]);
  return {
    image,
    cmd: cmd.length > 0 ? cmd : undefined,
    name: flags.name,
    entrypoint: flags.entrypoint,
    env: parseEnvOptions(flags.env, envFiles, ctx.env),
    workingDir: flags.workdir,
    user: flags.user,
    hostname: flags.hostname,
    labels: parseLabels(flags.label),
    labelFiles,
    tty: flags.tty,
    openStdin: flags.interactive,
    init: flags.init,
    detach: options.isDetached,
    restart: flags.restart,
    autoRemove: flags.rm,
    stopSignal: flags.stopSignal,
    stopTimeout: flags.stopTimeout,
    readOnly: flags.readOnly,
    tmpfs: flags.tmpfs,
    capAdd: flags.capAdd,
    capDrop: flags.capDrop,
    privileged: flags.privileged,
    securityOpt: flags.securityOpt,
    memory: flags.memory,
    memorySwap: flags.memorySwap,
    cpus: flags.cpus,
    cpuShares: flags.cpuShares,
    pidsLimit: flags.pidsLimit,
    shmSize: flags.shmSize,
    oomScoreAdj: flags.oomScoreAdj,
    volumes: flags.volume,
    mounts: flags.mount,
  };
}

/** The contents of the files a flag names, in order, with docker's `open …` message on failure. */
async function readFlagFiles(ctx: CommandContext, paths: readonly string[]): Promise<string[]> {
  return Promise.all(
    paths.map(async (path) => {
      try {
        return await readFile(resolve(ctx.cwd, path), "utf8");
      } catch (error) {
        throw invalidArgument(`open ${path}: ${describeFileError(error)}`);
      }
    }),
  );
}

const fileErrorTexts: Readonly<Record<string, string>> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
};

function describeFileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code === undefined ? undefined : fileErrorTexts[code]) ?? (error instanceof Error ? error.message : String(error));
}
