import type { HealthConfig } from "../oci.js";

/** RUN/CMD/ENTRYPOINT arguments: a JSON string array (exec form), text for a shell, or nothing. */
export type CommandLine =
  | { form: "exec"; argv: string[] }
  | { form: "shell"; command: string }
  | { form: "empty" };

/** A `key=value` (or legacy `key value`) pair as written: quotes and `$` not yet processed. */
export interface KeyValue {
  key: string;
  value: string;
}

export interface InstructionBase {
  /** Upper-case keyword, e.g. "RUN". */
  keyword: string;
  /** The logical line as written (continuations joined), e.g. `COPY --from=build /a /b`. */
  raw: string;
  /** Text after the keyword and its flags. */
  rawArgs: string;
  /** 1-based line where the instruction starts, and where it ends. */
  line: number;
  endLine: number;
  /** `--name=value` flags; a boolean flag given as `--link` has the value "true". */
  flags: Record<string, string>;
}

type With<K extends string, A> = InstructionBase & { keyword: K; args: A };

export type FromInstruction = With<"FROM", { image: string; stageName?: string }>;
export type CommandInstruction = With<"RUN" | "CMD" | "ENTRYPOINT", CommandLine>;
export type ShellInstruction = With<"SHELL", { argv: string[] }>;
export type KeyValueInstruction = With<"ENV" | "LABEL", { pairs: KeyValue[] }>;
export type ArgInstruction = With<"ARG", { pairs: Array<{ key: string; value?: string }> }>;
export type ExposeInstruction = With<"EXPOSE", { ports: string[] }>;
export type VolumeInstruction = With<"VOLUME", { paths: string[] }>;
export type CopyInstruction = With<"ADD" | "COPY", { sources: string[]; destination: string }>;
export type ValueInstruction = With<"USER" | "WORKDIR" | "STOPSIGNAL" | "MAINTAINER", { value: string }>;
export type HealthcheckInstruction = With<"HEALTHCHECK", { health: HealthConfig }>;
export type OnbuildInstruction = With<"ONBUILD", { expression: string; trigger: Instruction }>;

/** One parsed Dockerfile instruction, discriminated by `keyword`. */
export type Instruction =
  | FromInstruction
  | CommandInstruction
  | ShellInstruction
  | KeyValueInstruction
  | ArgInstruction
  | ExposeInstruction
  | VolumeInstruction
  | CopyInstruction
  | ValueInstruction
  | HealthcheckInstruction
  | OnbuildInstruction;

export type InstructionKeyword = Instruction["keyword"];

export interface ParsedDockerfile {
  /** Parser directives found at the top (`escape`, `syntax`, `check`), lower-case names. */
  directives: Record<string, string>;
  /** The escape character in effect: `\` or `` ` ``. */
  escapeChar: string;
  instructions: Instruction[];
}
