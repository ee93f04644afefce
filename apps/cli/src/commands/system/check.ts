import type { CheckProblem } from "@berth/core";
import { booleanOption, defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "system check",
  aliases: [],
  summary: "Check the store for inconsistencies between the database and the disk",
  usage: "[OPTIONS]",
  args: [],
  options: {
    repair: booleanOption("--repair", "Repair what can be repaired"),
  },
  examples: ["berth system check", "berth system check --repair"],
});

export function formatCheckReport(problems: readonly CheckProblem[]): string {
  if (problems.length === 0) return "No problems found.\n";
  return problems
    .map((problem) => `${problem.kind}: ${problem.description}${problem.repaired ? " (repaired)" : ""}\n`)
    .join("");
}

/** Exit 1 while any problem remains unrepaired. */
export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const service = await ctx.getService();
  const problems = await service.system.check({ repair: options.repair });
  ctx.stdout.write(formatCheckReport(problems));
  return problems.every((problem) => problem.repaired) ? 0 : 1;
};
