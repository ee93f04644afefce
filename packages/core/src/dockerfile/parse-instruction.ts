import { dockerfileError } from "./dockerfile-error.js";
import { parseFlags } from "./flags.js";
import { buildHealthConfig } from "./healthcheck.js";
import { SPACE, type LogicalLine } from "./logical-lines.js";
import type { CommandLine, Instruction, InstructionBase, KeyValue } from "./types.js";
import { WHITESPACE, extractBuilderFlags, parseJsonArray, parseWords, splitWhitespace } from "./words.js";

const trimSpace = (text: string) => text.replace(new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, "g"), "");

/** Every instruction keyword docker knows. */
export const INSTRUCTION_KEYWORDS = [
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
] as const;
const knownKeywords = new Set<string>(INSTRUCTION_KEYWORDS);

/** Splits a logical line into its keyword (as written), flag words and argument text. */
export function splitInstruction(text: string): { word: string; flagWords: string[]; rest: string } {
  const trimmed = trimSpace(text);
  const gap = WHITESPACE.exec(trimmed);
  if (gap === null) return { word: trimmed, flagWords: [], rest: "" };
  const { flags, rest } = extractBuilderFlags(trimmed.slice(gap.index + gap[0].length));
  return { word: trimmed.slice(0, gap.index), flagWords: flags, rest: trimSpace(rest) };
}

/** Parses one logical line into a typed instruction; errors name `fileName:line` when given. */
export function parseInstruction(line: LogicalLine, escapeChar: string, fileName?: string): Instruction {
  const fail = (message: string) => dockerfileError({ fileName, line: line.line }, message);
  const { word, flagWords, rest } = splitInstruction(line.text);
  const keyword = word.toUpperCase();
  if (!knownKeywords.has(keyword)) throw fail(`unknown instruction: ${keyword}`);
  const flags = parseFlags(keyword, flagWords);
  if (typeof flags === "string") throw fail(flags);
  const base: InstructionBase = { keyword, raw: trimSpace(line.text), rawArgs: rest, line: line.line, endLine: line.endLine, flags };
  const make = (args: unknown) => ({ ...base, args }) as Instruction;
  const list = () => parseJsonOrFail(rest, fail) ?? splitWhitespace(rest);

  switch (keyword) {
    case "FROM": {
      const words = splitWhitespace(rest);
      if (words.length === 3 && words[1]!.toLowerCase() === "as") {
        const stageName = words[2]!.toLowerCase();
        if (!/^[a-z][a-z0-9-_.]*$/.test(stageName)) {
          throw fail(`invalid name for build stage: ${JSON.stringify(words[2])}, name can't start with a number or contain symbols`);
        }
        return make({ image: words[0], stageName });
      }
      if (words.length !== 1) throw fail("FROM requires either one or three arguments");
      return make({ image: words[0] });
    }
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
      return make(parseCommandLine(rest, fail));
    case "SHELL": {
      const argv = parseJsonOrFail(rest, fail);
      if (rest === "" || argv?.length === 0) throw fail("SHELL requires at least one argument");
      if (argv === undefined) throw fail("SHELL requires the arguments to be in JSON form");
      return make({ argv });
    }
    case "ENV":
    case "LABEL":
      return make({ pairs: parseKeyValues(keyword, rest, escapeChar, fail) });
    case "ARG": {
      const words = parseWords(rest, escapeChar);
      if (words.length === 0) throw fail("ARG requires at least one argument");
      const pairs = words.map((text) => {
        const equals = text.indexOf("=");
        if (equals < 0) return { key: text };
        if (equals === 0) throw fail("ARG names can not be blank");
        return { key: text.slice(0, equals), value: text.slice(equals + 1) };
      });
      return make({ pairs });
    }
    case "EXPOSE": {
      const ports = splitWhitespace(rest);
      if (ports.length === 0) throw fail("EXPOSE requires at least one argument");
      return make({ ports });
    }
    case "VOLUME": {
      const paths = list().map(trimSpace);
      if (paths.length === 0) throw fail("VOLUME requires at least one argument");
      if (paths.includes("")) throw fail("VOLUME specified can not be an empty string");
      return make({ paths });
    }
    case "ADD":
    case "COPY": {
      const items = list();
      if (items.length < 2) {
        throw fail(`${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`);
      }
      return make({ sources: items.slice(0, -1), destination: items[items.length - 1] });
    }
    case "HEALTHCHECK": {
      if (rest === "") throw fail("HEALTHCHECK requires at least one argument");
      const typeEnd = rest.search(/[\t\n\v\f\r ]/);
      const type = typeEnd < 0 ? rest : rest.slice(0, typeEnd);
      const health = buildHealthConfig(type, parseCommandLine(typeEnd < 0 ? "" : rest.slice(typeEnd).trimStart(), fail), flags);
      if (typeof health === "string") throw fail(health);
      return make({ health });
    }
    case "ONBUILD": {
      if (rest === "") throw fail("ONBUILD requires at least one argument");
      const triggerKeyword = splitInstruction(rest).word.toUpperCase();
      if (triggerKeyword === "ONBUILD") throw fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
      if (triggerKeyword === "FROM" || triggerKeyword === "MAINTAINER") {
        throw fail(`${triggerKeyword} isn't allowed as an ONBUILD trigger`);
      }
      const trigger = parseInstruction({ ...line, text: rest }, escapeChar, fileName);
      return make({ expression: line.text.replace(/^\s*ONBUILD\s*/i, ""), trigger });
    }
    default: {
      if (rest === "") throw fail(`${keyword} requires exactly one argument`);
      return make({ value: rest });
    }
  }
}

function parseJsonOrFail(text: string, fail: (message: string) => Error): string[] | undefined {
  try {
    return parseJsonArray(text);
  } catch (error) {
    throw fail((error as Error).message);
  }
}

/** Exec form when the text is a JSON string array, else shell form; nothing at all is "empty". */
function parseCommandLine(text: string, fail: (message: string) => Error): CommandLine {
  if (text === "") return { form: "empty" };
  const argv = parseJsonOrFail(text, fail);
  return argv === undefined ? { form: "shell", command: text } : { form: "exec", argv };
}

/** ENV/LABEL: `k=v k2="v 2"` pairs, or the legacy `k rest of line`; values keep their quotes. */
function parseKeyValues(keyword: string, rest: string, escapeChar: string, fail: (message: string) => Error): KeyValue[] {
  const words = parseWords(rest, escapeChar);
  if (words.length === 0) throw fail(`${keyword} requires at least one argument`);
  if (!words[0]!.includes("=")) {
    const gap = WHITESPACE.exec(rest);
    if (gap === null) throw fail(`${keyword} must have two arguments`);
    return [{ key: rest.slice(0, gap.index), value: rest.slice(gap.index + gap[0].length) }];
  }
  return words.map((word) => {
    const equals = word.indexOf("=");
    if (equals < 0) throw fail(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`);
    if (equals === 0) throw fail(`${keyword} names can not be blank`);
    return { key: word.slice(0, equals), value: word.slice(equals + 1) };
  });
}
