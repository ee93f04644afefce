import { invalidArgument } from "../errors.js";
import type { ContainerConfig, HealthConfig } from "../oci.js";
import { cleanPosixPath } from "../posix-path.js";
import { DEFAULT_PATH_ENV } from "./runtime-defaults.js";

/** What `run`/`create` say about the container's Config (the image fills in the rest). */
export interface RunConfigInput {
  /** The image as the user typed it (Config.Image). */
  image?: string;
  /** Words after the image; empty or absent = the image's Cmd (unless an entrypoint is given). */
  cmd?: readonly string[];
  /** `--entrypoint`: absent = the image's; `null` (from `--entrypoint ""`) = none, and no image Cmd. */
  entrypoint?: readonly string[] | null;
  env: readonly string[];
  workingDir?: string;
  user?: string;
  labels: Readonly<Record<string, string>>;
  /** `--expose`/`-p` port keys such as `80/tcp`. */
  exposedPorts?: readonly string[];
  /** Anonymous volume destinations (`-v /data`). */
  volumes?: readonly string[];
  stopSignal?: string;
  stopTimeout?: number;
  /** `--hostname`; default: the first 12 characters of the container ID. */
  hostname?: string;
  /** The MAC asked for on the container's main network (docker shows it as Config.MacAddress). */
  macAddress?: string | undefined;
  domainname?: string;
  healthcheck?: HealthConfig;
  tty: boolean;
  openStdin: boolean;
  /** `-d`: attach nothing. */
  detach?: boolean;
}

const envKey = (entry: string) => entry.split("=", 1)[0]!;
const toSet = (keys: Iterable<string>) => Object.fromEntries([...keys].map((key) => [key, {}]));

function mergeHealthcheck(user: HealthConfig | undefined, image: HealthConfig | undefined): HealthConfig | undefined {
  if (image === undefined || user === undefined) return user ?? image;
  return {
    ...user,
    Test: user.Test !== undefined && user.Test.length > 0 ? user.Test : image.Test,
    Interval: user.Interval || image.Interval,
    Timeout: user.Timeout || image.Timeout,
    StartPeriod: user.StartPeriod || image.StartPeriod,
    Retries: user.Retries || image.Retries,
  };
}

/** docker's translateWorkingDir: absolute, then cleaned. */
function checkWorkingDir(workingDir: string): string {
  if (workingDir === "") return "";
  const slashed = workingDir.replaceAll("\\", "/");
  if (!slashed.startsWith("/")) {
    throw invalidArgument(`the working directory '${workingDir}' is invalid, it needs to be an absolute path`);
  }
  return cleanPosixPath(slashed);
}

/**
 * The container's Config, merged with the image's config the way docker's daemon does it
 * (formats.md 5.5): Env keys the user did not set, Labels, ExposedPorts and Volumes are added from
 * the image; User, WorkingDir, StopSignal and Healthcheck are inherited when unset; Cmd comes from
 * the image only when the user gave neither a command nor an entrypoint, Entrypoint only when the
 * user gave none. Keys are in docker's order (inspect prints them so).
 */
export function mergeRunConfig(image: ContainerConfig | undefined, user: RunConfigInput, containerId: string): ContainerConfig {
  const imageConfig = image ?? {};
  const isAttached = user.detach !== true;
  const userEnvKeys = new Set(user.env.map(envKey));
  const env = user.env.length === 0
    ? [...(imageConfig.Env ?? [])]
    : [...user.env, ...(imageConfig.Env ?? []).filter((entry) => !userEnvKeys.has(envKey(entry)))];
  const exposed = new Set([...(user.exposedPorts ?? []), ...Object.keys(imageConfig.ExposedPorts ?? {})]);
  const volumes = new Set([...(user.volumes ?? []), ...Object.keys(imageConfig.Volumes ?? {})]);

  const userCmd = user.cmd !== undefined && user.cmd.length > 0 ? [...user.cmd] : undefined;
  const imageCmd = imageConfig.Cmd === undefined ? undefined : [...imageConfig.Cmd];
  let cmd = userCmd;
  let entrypoint: string[] | undefined;
  if (user.entrypoint === undefined) {
    cmd ??= imageCmd;
    entrypoint = imageConfig.Entrypoint === undefined ? undefined : [...imageConfig.Entrypoint];
  } else if (user.entrypoint !== null && user.entrypoint.length === 0) {
    cmd ??= imageCmd; // an empty (API) entrypoint clears the image's but keeps its Cmd
  } else if (user.entrypoint !== null && !(user.entrypoint.length === 1 && user.entrypoint[0] === "")) {
    entrypoint = [...user.entrypoint];
  }

  const healthcheck = mergeHealthcheck(user.healthcheck, imageConfig.Healthcheck);
  const stopSignal = user.stopSignal || imageConfig.StopSignal;
  const config: ContainerConfig = {
    Hostname: user.hostname || containerId.slice(0, 12),
    Domainname: user.domainname ?? "",
    User: user.user || imageConfig.User || "",
    AttachStdin: isAttached && user.openStdin,
    AttachStdout: isAttached,
    AttachStderr: isAttached,
    ...(exposed.size > 0 ? { ExposedPorts: toSet(exposed) } : {}),
    Tty: user.tty,
    OpenStdin: user.openStdin,
    StdinOnce: isAttached && user.openStdin,
    Env: env,
    Cmd: cmd,
    ...(healthcheck === undefined ? {} : { Healthcheck: healthcheck }),
    Image: user.image ?? "",
    Volumes: volumes.size > 0 ? toSet(volumes) : undefined,
    WorkingDir: checkWorkingDir(user.workingDir || imageConfig.WorkingDir || ""),
    Entrypoint: entrypoint,
    ...(user.macAddress ? { MacAddress: user.macAddress } : {}),
    Labels: { ...imageConfig.Labels, ...user.labels },
    ...(stopSignal ? { StopSignal: stopSignal } : {}),
    ...(user.stopTimeout === undefined ? {} : { StopTimeout: user.stopTimeout }),
  };
  return config;
}

/**
 * The process to run: argv = Entrypoint ++ Cmd; `path` is argv[0], `args` the rest (inspect's Path
 * and Args). Throws INVALID_ARGUMENT `no command specified` when both are empty.
 */
export function processArgv(config: Pick<ContainerConfig, "Entrypoint" | "Cmd">): { path: string; args: string[] } {
  const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  const [path, ...args] = argv;
  if (path === undefined) throw invalidArgument("no command specified");
  return { path, args };
}

/**
 * docker's ReplaceOrAppendEnvValues: an override `K=v` replaces the default with key K or is
 * appended; a bare `K` removes the default K (and is itself dropped).
 */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const result: Array<string | undefined> = [...defaults];
  const index = new Map(defaults.map((entry, i) => [envKey(entry), i]));
  for (const entry of overrides) {
    const equals = entry.indexOf("=");
    const at = index.get(equals < 0 ? entry : entry.slice(0, equals));
    if (equals < 0) {
      if (at !== undefined) result[at] = undefined;
    } else if (at !== undefined) result[at] = entry;
    else result.push(entry);
  }
  return result.filter((entry): entry is string => entry !== undefined);
}

/**
 * The process environment (docker's CreateDaemonEnvironment): `PATH` (docker's default),
 * `HOSTNAME`, `TERM=xterm` with a TTY, then the Config's Env replacing or extending them.
 */
export function containerProcessEnv(config: Pick<ContainerConfig, "Env" | "Hostname" | "Tty">): string[] {
  const defaults = [`PATH=${DEFAULT_PATH_ENV}`, `HOSTNAME=${config.Hostname ?? ""}`];
  if (config.Tty === true) defaults.push("TERM=xterm");
  return replaceOrAppendEnv(defaults, config.Env ?? []);
}
