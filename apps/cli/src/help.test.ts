import { describe, expect, it } from "vitest";
import { booleanOption, defineSpec, listOption, stringOption } from "./command-spec.js";
import { checkArgumentCount, renderCommandHelp, renderUsageError } from "./help.js";
import { UsageError } from "./usage-error.js";

const spec = defineSpec({
  name: "image ls",
  aliases: ["images"],
  summary: "List images",
  usage: "[OPTIONS] [REPOSITORY[:TAG]]",
  args: [{ name: "REPOSITORY[:TAG]", isOptional: true }],
  options: {
    quiet: booleanOption("-q, --quiet", "Only show image IDs"),
    all: booleanOption("-a, --all", "Show all images"),
    filter: listOption("-f, --filter filter", "Filter output"),
    format: stringOption("--format string", "Format output:\n'table': a table"),
    human: booleanOption("-H, --human", "Human sizes", true),
  },
  examples: ["berth images -a"],
});

describe("renderCommandHelp", () => {
  it("lays help out like docker: usage, summary, aliases, examples, sorted options", () => {
    expect(renderCommandHelp(spec, "images")).toBe(
      [
        "",
        "Usage:  berth images [OPTIONS] [REPOSITORY[:TAG]]",
        "",
        "List images",
        "",
        "Aliases:",
        "  berth image ls, berth images",
        "",
        "Examples:",
        "  berth images -a",
        "",
        "Options:",
        "  -a, --all             Show all images",
        "  -f, --filter filter   Filter output",
        "      --format string   Format output:",
        "                        'table': a table",
        "  -H, --human           Human sizes (default true)",
        "  -q, --quiet           Only show image IDs",
        "",
      ].join("\n"),
    );
  });
});

describe("checkArgumentCount", () => {
  const withArgs = (args: { name: string; isOptional?: boolean; isVariadic?: boolean }[]) => ({ ...spec, args });
  const message = (args: Parameters<typeof withArgs>[0], count: number) => {
    try {
      checkArgumentCount(withArgs(args), "tag", count);
      return "ok";
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
  };

  it("uses docker's wording for each shape of operands", () => {
    expect(message([{ name: "A" }, { name: "B" }], 1)).toBe("berth: 'berth tag' requires 2 arguments");
    expect(message([{ name: "A" }], 1)).toBe("ok");
    expect(message([{ name: "A", isVariadic: true }], 0)).toBe("berth: 'berth tag' requires at least 1 argument");
    expect(message([{ name: "A", isVariadic: true }], 5)).toBe("ok");
    expect(message([{ name: "A", isOptional: true }], 2)).toBe("berth: 'berth tag' requires at most 1 argument");
    expect(message([{ name: "A" }, { name: "B", isOptional: true }], 3)).toBe(
      "berth: 'berth tag' requires at least 1 and at most 2 arguments",
    );
    expect(message([], 1)).toBe("berth: 'berth tag' accepts no arguments");
  });
});

describe("renderUsageError", () => {
  it("adds the usage line and where to find help", () => {
    expect(renderUsageError("unknown flag: --bogus", spec, "images")).toBe(
      "unknown flag: --bogus\n\nUsage:  berth images [OPTIONS] [REPOSITORY[:TAG]]\n\nRun 'berth images --help' for more information\n",
    );
  });
});
