import type { BerthService } from "@berth/core";
import { createCommandContext, type ProcessLike } from "./context.js";
import { reportError } from "./exit-status.js";
import { checkArgumentCount, programName, renderCommandHelp, renderUsageError } from "./help.js";
import { parseCommandLine } from "./parse-flags.js";
import { commandGroups, findCommand } from "./registry.js";
import { UsageError, usageErrorExitStatus } from "./usage-error.js";

/** Run one berth command line (the words after `berth`) and return its exit status. */
export async function runCli(
  words: readonly string[],
  proc: ProcessLike,
  createService: () => Promise<BerthService> = createLocalService,
): Promise<number> {
  const ctx = createCommandContext(proc, createService);
  const isDebug = ctx.env["BERTH_DEBUG"] === "1";
  const print = (text: string) => ctx.stdout.write(text);
  const fail = (text: string) => {
    ctx.stderr.write(text);
    return usageErrorExitStatus;
  };

  const first = words[0];
  if (first === undefined || first === "-h" || first === "--help") {
    print(await (await import("./root-help.js")).renderRootHelp());
    return 0;
  }
  if (first === "-v" || first === "--version") {
    const { version, gitCommit } = (await import("@berth/engine/version")).engineVersion();
    print(`${programName} version ${version}, build ${gitCommit}\n`);
    return 0;
  }
  if (first.startsWith("-")) {
    return fail(`unknown flag: ${first}\nSee '${programName} --help'.\n`);
  }
  if (first === "help") return printHelpFor(words.slice(1), print, fail);

  const match = findCommand(words);
  if (match === undefined) {
    if (first in commandGroups) {
      const second = words[1];
      if (second === undefined || second === "--help" || second === "-h") {
        print(await (await import("./root-help.js")).renderGroupHelp(first));
        return 0;
      }
      return fail(
        `${programName}: unknown command: ${programName} ${first} ${second}\n\n` +
          `Usage:  ${programName} ${first} COMMAND\n\nRun '${programName} ${first} --help' for more information\n`,
      );
    }
    return fail(`${programName}: '${first}' is not a ${programName} command.\nSee '${programName} --help'\n`);
  }

  const { spec, run } = await match.command.load();
  try {
    const parsed = parseCommandLine(spec, match.argv);
    if (parsed.isHelpRequested) {
      print(renderCommandHelp(spec, match.invokedAs));
      return 0;
    }
    checkArgumentCount(spec, match.invokedAs, parsed.args.length);
    return await run(ctx, parsed.args, parsed.options);
  } catch (error) {
    if (error instanceof UsageError) return fail(renderUsageError(error.message, spec, match.invokedAs));
    return reportError(error, ctx.stderr, isDebug, spec.exitStatusByCode);
  } finally {
    await ctx.dispose().catch((error: unknown) => reportError(error, ctx.stderr, isDebug));
  }
}

async function printHelpFor(
  words: readonly string[],
  print: (text: string) => void,
  fail: (text: string) => number,
): Promise<number> {
  const match = findCommand(words);
  if (match !== undefined && match.argv.length === 0) {
    print(renderCommandHelp((await match.command.load()).spec, match.invokedAs));
    return 0;
  }
  const { renderGroupHelp, renderRootHelp } = await import("./root-help.js");
  if (words.length === 0) print(await renderRootHelp());
  else if (words.length === 1 && words[0]! in commandGroups) print(await renderGroupHelp(words[0]!));
  else return fail(`unknown help topic: ${words.join(" ")}\n`);
  return 0;
}

/** The local engine (it reads BERTH_ROOT, BERTH_DATABASE_URL and the config files itself), imported only when a command first asks for it. */
async function createLocalService(): Promise<BerthService> {
  const { createEngine } = await import("@berth/engine");
  return createEngine();
}

/** The process entry point (bin/berth): run, flush, exit once. */
export async function main(): Promise<void> {
  // `berth images | head -1` closes the pipe early: stop quietly, like docker.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  const status = await runCli(process.argv.slice(2), process);
  // Let pending writes to pipes and files drain before exiting.
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  process.exit(status);
}
