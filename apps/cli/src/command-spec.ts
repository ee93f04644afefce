import type { CommandContext } from "./context.js";
import type { ExitStatusTable } from "./exit-status.js";

/**
 * One command = one declarative spec plus a `run` function (see src/commands/<noun>/<verb>.ts).
 * Flags are written the way docker's help prints them: "-a, --all", "--format string",
 * "-f, --filter filter"; the word after the long name is the value's label in the help.
 */
export type OptionSpec =
  | { kind: "boolean"; flags: string; description: string; defaultValue?: boolean }
  | { kind: "string"; flags: string; description: string }
  | { kind: "int"; flags: string; description: string }
  | { kind: "list"; flags: string; description: string };

export interface ArgSpec {
  name: string;
  isOptional?: boolean;
  isVariadic?: boolean;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** Full name as typed, e.g. "image ls". */
  name: string;
  /** Other names for the same command, e.g. ["image list", "images"]. */
  aliases: readonly string[];
  summary: string;
  /** What follows the name in the usage line, e.g. "[OPTIONS] [REPOSITORY[:TAG]]". */
  usage: string;
  args: readonly ArgSpec[];
  options: O;
  examples?: readonly string[];
  /**
   * pflag's SetInterspersed: true (the default) lets flags and operands mix; false makes the first
   * operand end the flags, so `run IMAGE ls -l` hands `-l` to the command, not to berth.
   */
  canIntersperseFlags?: boolean;
  /** Left out of the help listings: berth's own plumbing (`container cleanup`), not a user's verb. */
  isHidden?: boolean;
  /** How errors the command throws map to exit status, when not the default (run/create: 125). */
  exitStatusByCode?: ExitStatusTable;
}

type OptionValue<S extends OptionSpec> = S extends { kind: "boolean" }
  ? boolean
  : S extends { kind: "list" }
    ? string[]
    : S extends { kind: "int" }
      ? number | undefined
      : string | undefined;

export type OptionValues<S extends CommandSpec> = {
  -readonly [K in keyof S["options"]]: OptionValue<S["options"][K]>;
};

export type RunCommand<S extends CommandSpec> = (
  ctx: CommandContext,
  args: string[],
  options: OptionValues<S>,
) => Promise<number>;

export interface CommandModule<S extends CommandSpec = CommandSpec> {
  spec: S;
  run: RunCommand<S>;
}

export function defineSpec<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

export const booleanOption = (flags: string, description: string, defaultValue = false) =>
  ({ kind: "boolean", flags, description, defaultValue }) as const;

export const stringOption = (flags: string, description: string) => ({ kind: "string", flags, description }) as const;

/** A Go int flag (`-n 5`, `-t 0x10`): a bad value is a usage error, as pflag makes it. */
export const intOption = (flags: string, description: string) => ({ kind: "int", flags, description }) as const;

/** A flag that may be repeated; every value is kept, in order (`-f a -f b`, `-c …`). */
export const listOption = (flags: string, description: string) => ({ kind: "list", flags, description }) as const;

/** The shared `--format` help text, shaped like docker's. */
export const formatOptionHelp = [
  "Format output using a custom template:",
  "'table':            Print output in table format with column headers (default)",
  "'table TEMPLATE':   Print output in table format using the given Go template",
  "'json':             Print in JSON format",
  "'TEMPLATE':         Print output using the given Go template",
].join("\n");

export const inspectFormatHelp = [
  "Format output using a custom template:",
  "'json':             Print in JSON format",
  "'TEMPLATE':         Print output using the given Go template",
].join("\n");
