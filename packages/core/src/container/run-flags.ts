import * as z from "zod";
import { invalidArgument } from "../errors.js";
import { parseCapabilities } from "./capabilities.js";
import { parseMountSpec, parseTmpfsSpec, parseVolumeSpec } from "./mount-specs.js";
import type { ContainerResources } from "./resources.js";
import {
  flagValue,
  parseCpuShares,
  parseCpus,
  parseEnvOptions,
  parseLabels,
  parseMemoryBytes,
  parseMemorySwap,
  parseOomScoreAdj,
  parsePidsLimit,
  parseRestartPolicy,
  parseStopSignal,
  parseStopTimeout,
  type CallerEnv,
} from "./run-options.js";

// The value flags of `run`/`create` as the CLI collects them (strings and repeated strings), turned
// into typed options in one place, with docker's messages. The engine still runs checkResources
// (it knows the host's CPU count) and resolves volumes, users and images.

const text = z.string();
const texts = z.array(z.string()).default([]);
const parsed = <T>(parse: (value: string) => T) => text.transform((value) => parse(value)).optional();

export const runFlagsSchema = z.object({
  memory: parsed((value) => flagValue("-m, --memory", value, parseMemoryBytes)),
  memorySwap: parsed((value) => flagValue("--memory-swap", value, parseMemorySwap)),
  shmSize: parsed((value) => flagValue("--shm-size", value, parseMemoryBytes)),
  cpus: parsed(parseCpus),
  cpuShares: parsed(parseCpuShares),
  pidsLimit: parsed(parsePidsLimit),
  oomScoreAdj: parsed(parseOomScoreAdj),
  restart: parsed(parseRestartPolicy),
  stopSignal: parsed(parseStopSignal),
  stopTimeout: parsed(parseStopTimeout),
  user: text.optional(),
  workdir: text.optional(),
  env: texts,
  /** Contents of the `--env-file` files, in order (the CLI reads them). */
  envFile: texts,
  label: texts,
  /** Contents of the `--label-file` files. */
  labelFile: texts,
  capAdd: texts,
  capDrop: texts,
  tmpfs: z.array(text.transform(parseTmpfsSpec)).default([]),
  volume: z.array(text.transform(parseVolumeSpec)).default([]),
  mount: z.array(text.transform(parseMountSpec)).default([]),
  rm: z.boolean().default(false),
  privileged: z.boolean().default(false),
  readOnly: z.boolean().default(false),
});

export type RawRunFlags = z.input<typeof runFlagsSchema>;

export interface RunFlags {
  resources: ContainerResources;
  restartPolicy: ReturnType<typeof parseRestartPolicy>;
  stopSignal: string | undefined;
  stopTimeout: number | undefined;
  user: string | undefined;
  workingDir: string | undefined;
  env: string[];
  labels: Record<string, string>;
  capAdd: string[];
  capDrop: string[];
  tmpfs: ReturnType<typeof parseTmpfsSpec>[];
  /** `-v` then `--mount`, in the order given (anonymous volumes have an empty source). */
  mounts: ReturnType<typeof parseMountSpec>[];
  autoRemove: boolean;
  privileged: boolean;
  readOnlyRootfs: boolean;
}

/**
 * Parses and checks `run`'s value flags. Throws INVALID_ARGUMENT with docker's message for the
 * first bad value (`invalid argument "10zz" for "-m, --memory" flag: invalid size: '10zz'`,
 * `invalid volume specification: 'x'`…), an unknown capability, or
 * `Conflicting options: --restart and --rm`.
 */
export function parseRunFlags(raw: RawRunFlags, callerEnv: CallerEnv): RunFlags {
  const result = runFlagsSchema.safeParse(raw);
  if (!result.success) throw invalidArgument(`invalid run options: ${result.error.issues[0]?.path.join(".")}: ${result.error.issues[0]?.message}`);
  const flags = result.data;
  const restartPolicy = flags.restart ?? { Name: "no", MaximumRetryCount: 0 };
  if (flags.rm && restartPolicy.Name !== "no") throw invalidArgument("Conflicting options: --restart and --rm");
  parseCapabilities(flags.capAdd, flags.capDrop);
  const resources: ContainerResources = {
    memory: flags.memory, memorySwap: flags.memorySwap, nanoCpus: flags.cpus, cpuShares: flags.cpuShares,
    pidsLimit: flags.pidsLimit, oomScoreAdj: flags.oomScoreAdj, shmSize: flags.shmSize,
  };
  return {
    resources: Object.fromEntries(Object.entries(resources).filter(([, value]) => value !== undefined)),
    restartPolicy,
    stopSignal: flags.stopSignal,
    stopTimeout: flags.stopTimeout,
    user: flags.user,
    workingDir: flags.workdir,
    env: parseEnvOptions(flags.env, flags.envFile, callerEnv),
    labels: parseLabels(flags.label, flags.labelFile),
    capAdd: flags.capAdd,
    capDrop: flags.capDrop,
    tmpfs: flags.tmpfs,
    mounts: [...flags.volume, ...flags.mount],
    autoRemove: flags.rm,
    privileged: flags.privileged,
    readOnlyRootfs: flags.readOnly,
  };
}
