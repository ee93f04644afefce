import { programName } from "./help.js";
import { commandGroups, commandRegistry } from "./registry.js";

interface Entry {
  name: string;
  summary: string;
}

/** Every command the help lists (hidden ones left out), with its summary. */
async function loadSummaries(): Promise<{ names: readonly string[]; summary: string }[]> {
  const modules = await Promise.all(commandRegistry.map((command) => command.load()));
  return commandRegistry
    .map((command, index) => ({ names: command.names, spec: modules[index]!.spec }))
    .filter(({ spec }) => spec.isHidden !== true)
    .map(({ names, spec }) => ({ names, summary: spec.summary }));
}

function renderEntries(entries: Entry[]): string {
  const width = Math.max(...entries.map((entry) => entry.name.length)) + 2;
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((entry) => `  ${entry.name.padEnd(width)}${entry.summary}`)
    .join("\n");
}

/** `berth --help`: management commands, then the single-word commands. */
export async function renderRootHelp(): Promise<string> {
  const summaries = await loadSummaries();
  const management = Object.entries(commandGroups).map(([name, summary]) => ({ name, summary }));
  const commands = summaries.flatMap(({ names, summary }) =>
    names.filter((name) => !name.includes(" ")).map((name) => ({ name, summary })),
  );
  return [
    `\nUsage:  ${programName} [OPTIONS] COMMAND`,
    "A container platform: docker's verbs and flags, no daemon",
    `Management Commands:\n${renderEntries(management)}`,
    `Commands:\n${renderEntries(commands)}`,
    `Global Options:\n${renderEntries([
      { name: "-h, --help", summary: "Print usage" },
      { name: "-v, --version", summary: "Print version information and quit" },
    ])}`,
    `Run '${programName} COMMAND --help' for more information on a command.\n`,
  ].join("\n\n");
}

/** `berth image --help`: the verbs of one management command. */
export async function renderGroupHelp(group: string): Promise<string> {
  const summaries = await loadSummaries();
  const verbs = summaries
    .filter(({ names }) => names[0]!.startsWith(`${group} `))
    .map(({ names, summary }) => ({ name: names[0]!.slice(group.length + 1), summary }));
  return [
    `\nUsage:  ${programName} ${group} COMMAND`,
    commandGroups[group] ?? "",
    `Commands:\n${renderEntries(verbs)}`,
    `Run '${programName} ${group} COMMAND --help' for more information on a command.\n`,
  ].join("\n\n");
}
