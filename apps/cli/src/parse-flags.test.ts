import { describe, expect, it } from "vitest";
import { spec as historySpec } from "./commands/image/history.js";
import { spec as importSpec } from "./commands/image/import.js";
import { spec as lsSpec } from "./commands/image/ls.js";
import { spec as rmSpec } from "./commands/image/rm.js";
import { spec as eventsSpec } from "./commands/system/events.js";
import { booleanOption, defineSpec, intOption, listOption, stringOption } from "./command-spec.js";
import { parseCommandLine, parseFlagSyntax } from "./parse-flags.js";
import { commandRegistry } from "./registry.js";
import { UsageError } from "./usage-error.js";

describe("parseFlagSyntax", () => {
  it("reads docker's help spelling of a flag", () => {
    expect(parseFlagSyntax("-f, --filter filter")).toEqual({ short: "f", long: "filter", valueName: "filter" });
    expect(parseFlagSyntax("--no-trunc")).toEqual({ short: undefined, long: "no-trunc", valueName: undefined });
    expect(() => parseFlagSyntax("--Bad Flag")).toThrow(/malformed/);
  });
});

describe("parseCommandLine", () => {
  it("gives every command's defaults when no flag is given", async () => {
    for (const command of commandRegistry) {
      const { spec } = await command.load();
      const parsed = parseCommandLine(spec, []);
      expect(parsed.args).toEqual([]);
      expect(parsed.isHelpRequested).toBe(false);
      for (const [key, option] of Object.entries(spec.options)) {
        const expected = option.kind === "boolean" ? (option.defaultValue ?? false) : option.kind === "list" ? [] : undefined;
        expect(parsed.options[key], `${spec.name} ${key}`).toEqual(expected);
      }
    }
  });

  it("parses images flags, combined shorts and interspersed operands", () => {
    const parsed = parseCommandLine(lsSpec, ["-aq", "busybox", "--digests", "--no-trunc", "--format", "{{.ID}}"]);
    expect(parsed.args).toEqual(["busybox"]);
    expect(parsed.options).toEqual({
      all: true,
      quiet: true,
      digests: true,
      noTrunc: true,
      format: "{{.ID}}",
      filter: [],
    });
  });

  it("keeps every repeated -f, in order, in all of pflag's spellings", () => {
    const parsed = parseCommandLine(lsSpec, ["-f", "dangling=true", "--filter=label=a", "-freference=b*", "-f=label=c"]);
    expect(parsed.options.filter).toEqual(["dangling=true", "label=a", "reference=b*", "label=c"]);
    const events = parseCommandLine(eventsSpec, ["-f", "type=image", "--filter", "event=tag", "--since", "10m"]);
    expect(events.options).toMatchObject({ filter: ["type=image", "event=tag"], since: "10m", until: undefined });
  });

  it("keeps every repeated -c/--change of import, with spaces and quotes intact", () => {
    const parsed = parseCommandLine(importSpec, [
      "-c",
      'CMD ["sh", "-c", "echo hi"]',
      "--change",
      "ENV A=1 B=2",
      "--change=LABEL x=y",
      "-m",
      "first import",
      "rootfs.tar",
      "localhost/base:1",
    ]);
    expect(parsed.options.change).toEqual(['CMD ["sh", "-c", "echo hi"]', "ENV A=1 B=2", "LABEL x=y"]);
    expect(parsed.options.message).toBe("first import");
    expect(parsed.args).toEqual(["rootfs.tar", "localhost/base:1"]);
  });

  it("reads `-` as an operand (stdin)", () => {
    expect(parseCommandLine(importSpec, ["-", "localhost/x"]).args).toEqual(["-", "localhost/x"]);
  });

  it("supports history's -H=false and --human=true, last one winning", () => {
    expect(parseCommandLine(historySpec, ["busybox"]).options.human).toBe(true);
    expect(parseCommandLine(historySpec, ["-H=false", "busybox"]).options.human).toBe(false);
    expect(parseCommandLine(historySpec, ["--human=false", "--human=true", "x"]).options.human).toBe(true);
    expect(parseCommandLine(historySpec, ["-H", "busybox"]).args).toEqual(["busybox"]);
    expect(() => parseCommandLine(historySpec, ["-H=maybe", "x"])).toThrow(
      'invalid argument "maybe" for "-H, --human" flag',
    );
  });

  it("maps --no-prune and --no-trunc to true, and =false back to false", () => {
    expect(parseCommandLine(rmSpec, ["--no-prune", "x"]).options).toEqual({ force: false, noPrune: true });
    expect(parseCommandLine(rmSpec, ["--no-prune=false", "-f", "x"]).options).toEqual({ force: true, noPrune: false });
    expect(parseCommandLine(lsSpec, ["--no-trunc=true"]).options.noTrunc).toBe(true);
  });

  it("treats everything after -- as operands", () => {
    expect(parseCommandLine(rmSpec, ["--", "-f"]).args).toEqual(["-f"]);
  });

  it("notices --help and -h", () => {
    expect(parseCommandLine(lsSpec, ["--help"]).isHelpRequested).toBe(true);
    expect(parseCommandLine(rmSpec, ["x", "-h"]).isHelpRequested).toBe(true);
  });

  it("reports unknown flags and missing values with pflag's words", () => {
    expect(() => parseCommandLine(lsSpec, ["--bogus"])).toThrow(new UsageError("unknown flag: --bogus"));
    expect(() => parseCommandLine(lsSpec, ["--bogus=1"])).toThrow(new UsageError("unknown flag: --bogus"));
    expect(() => parseCommandLine(lsSpec, ["-z"])).toThrow(new UsageError("unknown shorthand flag: 'z' in -z"));
    expect(() => parseCommandLine(lsSpec, ["--format"])).toThrow(new UsageError("flag needs an argument: --format"));
    expect(() => parseCommandLine(lsSpec, ["-f"])).toThrow(new UsageError("flag needs an argument: --filter"));
  });
});

/** A command shaped like `run`: flags end at the first operand, `-h` is not help. */
const runLike = defineSpec({
  name: "run",
  aliases: [],
  summary: "test",
  usage: "[OPTIONS] IMAGE [COMMAND] [ARG...]",
  args: [{ name: "IMAGE" }, { name: "ARG", isOptional: true, isVariadic: true }],
  options: {
    env: listOption("-e, --env list", "env"),
    hostname: stringOption("-h, --hostname string", "hostname"),
    interactive: booleanOption("-i, --interactive", "stdin"),
    tty: booleanOption("-t, --tty", "tty"),
    detach: booleanOption("-d, --detach", "detach"),
    stopTimeout: intOption("--stop-timeout int", "seconds"),
    cpuShares: intOption("-c, --cpu-shares int", "weight"),
  },
  canIntersperseFlags: false,
});

describe("parseCommandLine without interspersed flags", () => {
  it("hands everything from the first operand on to the operands, flags included", () => {
    const parsed = parseCommandLine(runLike, ["-e", "A=1", "busybox", "ls", "-l", "-e", "B=2", "--help"]);
    expect(parsed.args).toEqual(["busybox", "ls", "-l", "-e", "B=2", "--help"]);
    expect(parsed.options.env).toEqual(["A=1"]);
    expect(parsed.isHelpRequested).toBe(false);
  });

  it("knows which flags take the next word, in every spelling", () => {
    const parsed = parseCommandLine(runLike, ["--env", "A=1", "-eB=2", "-e=C=3", "--env=D=4", "-ie", "E=5", "-h", "box", "img", "sh"]);
    expect(parsed.options).toMatchObject({ env: ["A=1", "B=2", "C=3", "D=4", "E=5"], interactive: true, hostname: "box" });
    expect(parsed.args).toEqual(["img", "sh"]);
  });

  it("reads combined boolean shorts like -it and -dit", () => {
    expect(parseCommandLine(runLike, ["-it", "busybox", "sh"]).options).toMatchObject({ interactive: true, tty: true, detach: false });
    expect(parseCommandLine(runLike, ["-dit", "busybox"]).options).toMatchObject({ interactive: true, tty: true, detach: true });
    expect(parseCommandLine(runLike, ["-d=false", "busybox"]).options.detach).toBe(false);
  });

  it("keeps a `--` after the image for the command, and drops one before it", () => {
    expect(parseCommandLine(runLike, ["busybox", "--", "echo"]).args).toEqual(["busybox", "--", "echo"]);
    expect(parseCommandLine(runLike, ["-t", "--", "busybox", "-x"]).args).toEqual(["busybox", "-x"]);
    expect(parseCommandLine(runLike, ["-", "x"]).args).toEqual(["-", "x"]);
  });

  it("takes --help but not -h as help when -h means something else", () => {
    expect(parseCommandLine(runLike, ["--help"]).isHelpRequested).toBe(true);
    expect(parseCommandLine(runLike, ["-h", "web", "busybox"]).options.hostname).toBe("web");
  });
});

describe("int flags", () => {
  it("parse Go ints, and refuse others as pflag does", () => {
    expect(parseCommandLine(runLike, ["--stop-timeout", "0x10", "-c", "512", "i"]).options).toMatchObject({ stopTimeout: 16, cpuShares: 512 });
    expect(parseCommandLine(runLike, ["i"]).options.stopTimeout).toBeUndefined();
    expect(() => parseCommandLine(runLike, ["-c", "lots", "i"])).toThrow(
      new UsageError('invalid argument "lots" for "-c, --cpu-shares" flag: strconv.ParseInt: parsing "lots": invalid syntax'),
    );
    expect(() => parseCommandLine(runLike, ["--stop-timeout=1.5", "i"])).toThrow(
      'invalid argument "1.5" for "--stop-timeout" flag: strconv.ParseInt: parsing "1.5": invalid syntax',
    );
  });
});
