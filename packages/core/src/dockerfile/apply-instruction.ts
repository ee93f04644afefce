import { BerthError, invalidArgument } from "../errors.js";
import type { ContainerConfig } from "../oci.js";
import { joinPosixPath } from "../posix-path.js";
import { parseSignal } from "../signals.js";
import { expandVariables, expandVariablesToWords } from "./expand.js";
import { parseExposedPorts } from "./expose-ports.js";
import type { CommandLine, Instruction } from "./types.js";

const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** What a sequence of config instructions carries from one step to the next. */
export interface ConfigStepState {
  escapeChar: string;
  /** Set once a CMD with arguments ran in this stage; an ENTRYPOINT then keeps the Cmd. */
  isCmdSet: boolean;
  /** Build args in scope; an Env entry of the same name wins. */
  buildArgs?: Readonly<Record<string, string>>;
}

/** `["K=V", …]` → record, the first entry of a name winning (as docker's lookup does). */
export function envListToRecord(env: readonly string[] | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of env ?? []) {
    const equals = entry.indexOf("=");
    const key = equals < 0 ? entry : entry.slice(0, equals);
    if (!Object.hasOwn(record, key)) record[key] = equals < 0 ? "" : entry.slice(equals + 1);
  }
  return record;
}

/**
 * Applies one metadata instruction to a container config the way docker's classic builder
 * dispatches it (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR,
 * HEALTHCHECK, SHELL), expanding variables where docker does. Returns a new config.
 */
export function applyConfigInstruction(config: ContainerConfig, instruction: Instruction, state: ConfigStepState): ContainerConfig {
  const env = { ...state.buildArgs, ...envListToRecord(config.Env) };
  const expand = (text: string) => expandVariables(text, env, state.escapeChar);
  const next: ContainerConfig = { ...config };
  switch (instruction.keyword) {
    case "CMD":
      next.Cmd = resolveCommand(instruction.args, config.Shell);
      if (instruction.args.form === "shell" || (instruction.args.form === "exec" && instruction.args.argv.length > 0)) {
        state.isCmdSet = true;
      }
      return next;
    case "ENTRYPOINT": {
      const { args } = instruction;
      const isEmpty = args.form === "empty" || (args.form === "exec" && args.argv.length === 0);
      const entrypoint = isEmpty ? undefined : resolveCommand(args, config.Shell);
      setOrDelete(next, "Entrypoint", entrypoint);
      if (!state.isCmdSet) delete next.Cmd;
      return next;
    }
    case "ENV": {
      const list = [...(config.Env ?? [])];
      for (const pair of instruction.args.pairs) {
        const key = expand(pair.key);
        const entry = `${key}=${expand(pair.value)}`;
        const index = list.findIndex((item) => item.split("=", 1)[0] === key);
        if (index >= 0) list[index] = entry;
        else list.push(entry);
      }
      next.Env = list;
      return next;
    }
    case "LABEL":
      next.Labels = { ...config.Labels };
      for (const pair of instruction.args.pairs) next.Labels[expand(pair.key)] = expand(pair.value);
      return next;
    case "EXPOSE": {
      const specs = instruction.args.ports.flatMap((port) => expandVariablesToWords(port, env, state.escapeChar));
      next.ExposedPorts = { ...config.ExposedPorts };
      for (const key of parseExposedPorts(specs)) next.ExposedPorts[key] = {};
      return next;
    }
    case "VOLUME":
      next.Volumes = { ...config.Volumes };
      for (const path of instruction.args.paths) {
        const volume = expand(path);
        if (volume === "") throw invalidArgument("VOLUME specified can not be an empty string");
        next.Volumes[volume] = {};
      }
      return next;
    case "USER":
      next.User = expand(instruction.args.value);
      return next;
    case "WORKDIR":
      next.WorkingDir = normalizeWorkdir(config.WorkingDir ?? "", expand(instruction.args.value));
      return next;
    case "STOPSIGNAL": {
      const signal = expand(instruction.args.value);
      parseSignal(signal);
      next.StopSignal = signal;
      return next;
    }
    case "ONBUILD":
      next.OnBuild = [...(config.OnBuild ?? []), instruction.args.expression];
      return next;
    case "HEALTHCHECK":
      next.Healthcheck = instruction.args.health;
      return next;
    case "SHELL":
      next.Shell = [...instruction.args.argv];
      return next;
    default:
      throw new BerthError("INTERNAL", `${instruction.keyword} does not change the container config`);
  }
}

/** Shell form runs through SHELL (default `/bin/sh -c`); exec form is used as it is. */
function resolveCommand(command: CommandLine, shell: string[] | undefined): string[] {
  const prefix = shell !== undefined && shell.length > 0 ? shell : DEFAULT_SHELL;
  if (command.form === "exec") return [...command.argv];
  return command.form === "shell" ? [...prefix, command.command] : [...prefix];
}

/** Docker's normalizeWorkdir: a relative WORKDIR is joined to the current one. */
function normalizeWorkdir(current: string, requested: string): string {
  if (requested === "") throw invalidArgument("cannot normalize nothing");
  return requested.startsWith("/") ? requested : joinPosixPath("/", current, requested);
}

function setOrDelete<K extends keyof ContainerConfig>(config: ContainerConfig, key: K, value: ContainerConfig[K] | undefined): void {
  if (value === undefined) delete config[key];
  else config[key] = value;
}
