import { Command, Option } from "commander";
import { parseGoInt } from "@berth/core";
import type { CommandSpec, OptionSpec, OptionValues } from "./command-spec.js";
import { UsageError } from "./usage-error.js";

export interface ParsedFlag {
  short: string | undefined;
  long: string;
  valueName: string | undefined;
}

/** "-f, --filter filter" → { short: "f", long: "filter", valueName: "filter" } */
export function parseFlagSyntax(flags: string): ParsedFlag {
  const match = /^(?:-([A-Za-z]), )?--([a-z][a-z0-9-]*)(?: ([a-z]+))?$/.exec(flags);
  if (match === null) throw new Error(`malformed flag syntax in a command spec: ${JSON.stringify(flags)}`);
  return { short: match[1], long: match[2]!, valueName: match[3] };
}

/** commander, made to report errors with pflag's (docker's) wording. */
class DockerFlagsCommand extends Command {
  unknownOption(flag: string): never {
    throw new UsageError(
      flag.startsWith("--") ? `unknown flag: ${flag.split("=")[0]}` : `unknown shorthand flag: '${flag[1]}' in ${flag}`,
    );
  }

  optionMissingArgument(option: Option): never {
    throw new UsageError(`flag needs an argument: ${option.long ?? option.short}`);
  }
}

/** `--help`, with `-h` too unless the command gives `-h` another meaning (`run -h HOSTNAME`). */
function helpOptionFor(spec: CommandSpec): OptionSpec {
  const isShortTaken = Object.values(spec.options).some((option) => parseFlagSyntax(option.flags).short === "h");
  return { kind: "boolean", flags: isShortTaken ? "--help" : "-h, --help", description: "Print usage" };
}
const trueWords = new Set(["1", "t", "T", "true", "TRUE", "True"]);
const falseWords = new Set(["0", "f", "F", "false", "FALSE", "False"]);

interface BooleanFlag {
  spec: ParsedFlag;
  /** commander's attribute: the positive name ("trunc" for --no-trunc). */
  attribute: string;
  isNegated: boolean;
}

export interface ParsedCommandLine<S extends CommandSpec> {
  args: string[];
  options: OptionValues<S>;
  isHelpRequested: boolean;
}

/**
 * Parse argv (the words after the command name) against a spec with pflag's conventions:
 * interspersed flags and operands, `-abc`, `-fVALUE`, `-f=VALUE`, `--flag=VALUE`, `--bool=false`,
 * repeatable list flags, `--` ending the flags. Throws UsageError with docker's wording.
 */
export function parseCommandLine<S extends CommandSpec>(spec: S, argv: readonly string[]): ParsedCommandLine<S> {
  const command = new DockerFlagsCommand(spec.name)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} })
    .helpOption(false)
    .allowExcessArguments(true)
    .argument("[operands...]")
    .action(() => {});

  const booleans = new Map<string, BooleanFlag>();
  const valueShorts = new Set<string>();
  const valueLongs = new Set<string>();
  const entries = [...Object.entries(spec.options), ["help", helpOptionFor(spec)] as const];
  for (const [, option] of entries) {
    const flag = parseFlagSyntax(option.flags);
    const short = flag.short === undefined ? "" : `-${flag.short}, `;
    if (option.kind === "boolean") {
      const isNegated = flag.long.startsWith("no-");
      const attribute = isNegated ? flag.long.slice(3) : flag.long;
      const positive = new Option(`${isNegated ? "" : short}--${attribute}`);
      const negative = new Option(`${isNegated ? short : ""}--no-${attribute}`);
      command.addOption(positive.default(isNegated ? true : (option.defaultValue ?? false)));
      command.addOption(negative);
      const booleanFlag = { spec: flag, attribute, isNegated };
      booleans.set(`--${flag.long}`, booleanFlag);
      if (flag.short !== undefined) booleans.set(`-${flag.short}`, booleanFlag);
    } else {
      const commanderOption = new Option(`${short}--${flag.long} <${flag.valueName ?? "value"}>`);
      if (option.kind === "list") {
        commanderOption.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
        commanderOption.default([]);
      }
      if (option.kind === "int") commanderOption.argParser((value: string) => parseIntFlag(flag, value));
      command.addOption(commanderOption);
      valueLongs.add(flag.long);
      if (flag.short !== undefined) valueShorts.add(flag.short);
    }
  }

  const [flagWords, operands] =
    spec.canIntersperseFlags === false ? splitAtFirstOperand(argv, valueLongs, valueShorts) : [argv, []];
  command.parse(normalizeArgv(flagWords, booleans, valueShorts), { from: "user" });

  const values = command.opts<Record<string, unknown>>();
  const options: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(spec.options)) {
    const flag = parseFlagSyntax(option.flags);
    const attribute = camelCase(flag.long.startsWith("no-") && option.kind === "boolean" ? flag.long.slice(3) : flag.long);
    const value = values[attribute];
    options[key] = option.kind === "boolean" && flag.long.startsWith("no-") ? value !== true : value;
  }
  return {
    args: [...command.args, ...operands],
    options: options as OptionValues<S>,
    isHelpRequested: values["help"] === true,
  };
}

/**
 * For commands that do not intersperse flags: the words up to the first operand (the flags and
 * their values) and everything from it on, untouched (`--` included, as pflag keeps it). A `--`
 * before any operand ends the flags and is dropped.
 */
function splitAtFirstOperand(
  argv: readonly string[],
  valueLongs: ReadonlySet<string>,
  valueShorts: ReadonlySet<string>,
): [string[], string[]] {
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === "--") return [argv.slice(0, index), argv.slice(index + 1)];
    if (!word.startsWith("-") || word === "-") return [argv.slice(0, index), argv.slice(index)];
    if (takesNextWord(word, valueLongs, valueShorts)) index++;
  }
  return [[...argv], []];
}

/** `--env` or `-e` (also last in `-ie`) without an inline value: the next word is its value. */
function takesNextWord(word: string, valueLongs: ReadonlySet<string>, valueShorts: ReadonlySet<string>): boolean {
  if (word.startsWith("--")) return !word.includes("=") && valueLongs.has(word.slice(2));
  const shorts = word.slice(1);
  for (let index = 0; index < shorts.length; index++) {
    if (valueShorts.has(shorts[index]!)) return index === shorts.length - 1;
  }
  return false;
}

/** Rewrite pflag-only spellings into ones commander understands. */
function normalizeArgv(
  argv: readonly string[],
  booleans: ReadonlyMap<string, BooleanFlag>,
  valueShorts: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === "--") {
      out.push(...argv.slice(index));
      break;
    }
    const assignment = /^(--?[A-Za-z][A-Za-z0-9-]*)=(.*)$/s.exec(word);
    const name = assignment?.[1];
    const booleanFlag = name === undefined ? undefined : booleans.get(name);
    if (assignment !== null && name !== undefined && booleanFlag !== undefined) {
      out.push(booleanWord(booleanFlag, assignment[2]!));
    } else if (assignment !== null && name !== undefined && /^-[A-Za-z]$/.test(name) && valueShorts.has(name[1]!)) {
      out.push(name, assignment[2]!);
    } else {
      out.push(word);
    }
  }
  return out;
}

/** pflag's int: Go's ParseInt with base prefixes, its error wrapped in pflag's words. */
function parseIntFlag(flag: ParsedFlag, text: string): number {
  try {
    return parseGoInt(text);
  } catch (error) {
    throw new UsageError(`invalid argument "${text}" for "${flagLabel(flag)}" flag: ${(error as Error).message}`);
  }
}

/** How pflag names a flag in its errors: `-n, --last` or `--stop-timeout`. */
function flagLabel(flag: ParsedFlag): string {
  return flag.short === undefined ? `--${flag.long}` : `-${flag.short}, --${flag.long}`;
}

function booleanWord(flag: BooleanFlag, text: string): string {
  let value: boolean;
  if (trueWords.has(text)) value = true;
  else if (falseWords.has(text)) value = false;
  else {
    throw new UsageError(`invalid argument "${text}" for "${flagLabel(flag.spec)}" flag: not a boolean (use true or false)`);
  }
  const positive = value !== flag.isNegated;
  return positive ? `--${flag.attribute}` : `--no-${flag.attribute}`;
}

function camelCase(text: string): string {
  return text.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}
