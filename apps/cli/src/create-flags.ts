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
  addHost: listOption("--add-host list", "Add a line to /etc/hosts: NAME:IP (IP may be host-gateway, the network's gateway)"),
  capAdd: listOption("--cap-add list", "Grant the container these capabilities too"),
  capDrop: listOption("--cap-drop list", "Take these capabilities away from the container"),
  cpuShares: stringOption("-c, --cpu-shares int", "Relative CPU weight against other containers"),
  cpus: stringOption("--cpus decimal", "CPU limit, in CPUs (1.5 = one and a half)"),
  dns: listOption("--dns list", "Set a DNS server in the container's resolv.conf"),
  dnsOption: listOption("--dns-option list", "Set a resolver option in the container's resolv.conf"),
  dnsSearch: listOption("--dns-search list", "Set a DNS search domain in the container's resolv.conf (. for none)"),
  entrypoint: stringOption("--entrypoint string", `Replace the image's ENTRYPOINT ("" clears it)`),
  env: listOption("-e, --env list", "Set a variable: NAME=value, or NAME to pass on berth's own value"),
  envFile: listOption("--env-file list", "Set the variables listed in a file"),
  hostname: stringOption("-h, --hostname string", "The host name seen inside the container"),
  init: booleanOption("--init", "Run an init as PID 1 that reaps zombies and passes on signals"),
  interactive: booleanOption("-i, --interactive", "Keep the container's stdin open (attached to berth's with run)"),
  ip: stringOption("--ip string", "IPv4 address on the --network (a user network created with --subnet)"),
  label: listOption("-l, --label list", "Add a label: key=value"),
  labelFile: listOption("--label-file list", "Add the labels listed in a file"),
  memory: stringOption("-m, --memory bytes", "Limit memory (e.g. 512m, 1g)"),
  memorySwap: stringOption("--memory-swap bytes", "Limit memory plus swap (-1: swap unlimited)"),
  mount: listOption("--mount mount", "Mount a volume, bind or tmpfs (type=…,source=…,target=…)"),
  name: stringOption("--name string", "Give the container a name"),
  macAddress: stringOption("--mac-address string", "Container MAC address on its --network (e.g. 92:d0:c6:0a:29:33)"),
  network: listOption("--network network", "Connect the container to a network: bridge (default), host, none, container:NAME, a network's name, or name=NET[,alias=A][,ip=IP][,mac-address=M] (repeat for more user networks)"),
  networkAlias: listOption("--network-alias list", "Add a network-scoped alias for the container (user networks)"),
  oomScoreAdj: stringOption("--oom-score-adj int", "Adjust the OOM killer's preference (-1000 to 1000)"),
  pidsLimit: stringOption("--pids-limit int", "Limit the number of processes (-1: unlimited)"),
  publish: listOption("-p, --publish list", "Publish a container's port(s) to the host: [ip:][hostPort:]containerPort[/proto]"),
  publishAll: booleanOption("-P, --publish-all", "Publish all exposed ports to random host ports"),
  privileged: booleanOption("--privileged", "Run with all capabilities and host devices (no isolation from the host's kernel interfaces)"),
  pull: stringOption("--pull string", 'When to pull the image: "missing" (default), "always" or "never"; berth cannot pull yet'),
  readOnly: booleanOption("--read-only", "Make the root filesystem read-only"),
  restart: stringOption("--restart string", "Restart policy: no (default), always, unless-stopped, on-failure[:N]"),
  rm: booleanOption("--rm", "Remove the container (and its anonymous volumes) once it exits"),
  securityOpt: listOption("--security-opt list", "Security option, e.g. no-new-privileges"),
  shmSize: stringOption("--shm-size bytes", "Size of the /dev/shm tmpfs (e.g. 64m)"),
  stopSignal: stringOption("--stop-signal string", "Signal that stops the container (default SIGTERM)"),
  stopTimeout: stringOption("--stop-timeout int", "Seconds to wait after the stop signal before killing"),
  tmpfs: listOption("--tmpfs list", "Mount a tmpfs at this path (/path[:options])"),
  tty: booleanOption("-t, --tty", "Give the container a pseudo-terminal"),
  user: stringOption("-u, --user string", "User to run as: name or uid, optionally :group or :gid"),
  volume: listOption("-v, --volume list", "Mount a host path or a volume: source:target[:options]"),
  workdir: stringOption("-w, --workdir string", "Working directory for the command"),
} as const;

/** The parsed values of {@link createFlagOptions}. */
export interface CreateFlagValues {
  addHost: string[];
  capAdd: string[];
  capDrop: string[];
  cpuShares: string | undefined;
  cpus: string | undefined;
  dns: string[];
  dnsOption: string[];
  dnsSearch: string[];
  entrypoint: string | undefined;
  env: string[];
  envFile: string[];
  hostname: string | undefined;
  init: boolean;
  interactive: boolean;
  ip: string | undefined;
  label: string[];
  labelFile: string[];
  memory: string | undefined;
  memorySwap: string | undefined;
  mount: string[];
  name: string | undefined;
  macAddress: string | undefined;
  network: string[];
  networkAlias: string[];
  oomScoreAdj: string | undefined;
  pidsLimit: string | undefined;
  privileged: boolean;
  publish: string[];
  publishAll: boolean;
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
    network: flags.network,
    publish: flags.publish,
    publishAll: flags.publishAll,
    networkAliases: flags.networkAlias,
    ip: flags.ip,
    macAddress: flags.macAddress,
    addHosts: flags.addHost,
    dns: flags.dns,
    dnsSearch: flags.dnsSearch,
    dnsOptions: flags.dnsOption,
  };
}

/** The contents of the files a flag names, in order, with docker's `open …` message on failure. */
export async function readFlagFiles(ctx: CommandContext, paths: readonly string[]): Promise<string[]> {
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
