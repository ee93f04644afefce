import { invalidArgument } from "../errors.js";
import type { ContainerConfig } from "../oci.js";
import { parseCapabilities } from "./capabilities.js";
import { containerProcessEnv, replaceOrAppendEnv } from "./container-config.js";
import { resolveUser } from "./resolve-user.js";

// `exec` as data: the process berth-init's `exec` runs in a running container, from the
// container's settings and the exec's flags, the way docker's daemon builds an exec config.

export interface ContainerExecInput {
  /** The container's merged Config. */
  config: ContainerConfig;
  /** The container's HostConfig settings that the exec inherits. */
  host: { privileged: boolean; capAdd: readonly string[]; capDrop: readonly string[]; noNewPrivileges: boolean; seccompUnconfined: boolean };
  cmd: readonly string[];
  tty: boolean;
  /** `-e` entries (KEY=VALUE, or KEY alone to unset). */
  env: readonly string[];
  workingDir?: string | undefined;
  /** `-u`; the container's User when absent or empty. */
  user?: string | undefined;
  /** `exec --privileged`: every capability for this process. */
  privileged: boolean;
  /** The container's /etc/passwd and /etc/group; absent = no such file. */
  passwd?: string | undefined;
  group?: string | undefined;
  /** The host's /proc/sys/kernel/cap_last_cap. */
  lastCap?: number | undefined;
}

export interface ExecPlan {
  argv: string[];
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[] };
  /** `all`: every capability berth itself holds (its bounding set), for a privileged container or exec. */
  capabilities: string[] | "all";
  noNewPrivileges: boolean;
  /**
   * The container's seccomp filter, which every exec gets: docker's default profile with the
   * capability rules of the container's own set (so `exec --privileged` gains capabilities, not
   * syscalls, as under runc), or none for a privileged or `seccomp=unconfined` container.
   */
  seccomp: { profile: "default"; capabilities: string[] } | { profile: "unconfined" };
  tty: boolean;
}

/**
 * docker's exec: env = the container's process env (PATH, HOSTNAME, TERM=xterm when the *exec*
 * has a tty, then Config.Env) with `-e` replacing or adding; cwd `-w`, else the container's
 * WorkingDir, else `/`; user `-u`, else the container's; the container's capabilities (all of
 * them with either `--privileged`), its no-new-privileges and its seccomp filter. Throws INVALID_ARGUMENT for an empty
 * command or an unknown user or group.
 */
export function planContainerExec(input: ContainerExecInput): ExecPlan {
  if (input.cmd.length === 0 || input.cmd[0] === "") throw invalidArgument("No exec command specified");
  const { config } = input;
  const resolved = resolveUser(input.user || config.User || "", input.passwd, input.group);
  const isPrivileged = input.privileged || input.host.privileged;
  const containerCapabilities = parseCapabilities(input.host.capAdd, input.host.capDrop, { lastCap: input.lastCap });
  return {
    argv: [...input.cmd],
    env: replaceOrAppendEnv(containerProcessEnv({ Env: config.Env, Hostname: config.Hostname, Tty: input.tty }), input.env),
    cwd: input.workingDir || config.WorkingDir || "/",
    user: { uid: resolved.uid, gid: resolved.gid, additionalGids: resolved.additionalGids },
    capabilities: isPrivileged ? "all" : containerCapabilities,
    noNewPrivileges: input.host.noNewPrivileges,
    seccomp: input.host.privileged || input.host.seccompUnconfined ? { profile: "unconfined" } : { profile: "default", capabilities: containerCapabilities },
    tty: input.tty,
  };
}
