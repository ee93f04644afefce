import type { BootReport } from "@berth/core";
import { defineSpec, type RunCommand } from "../../command-spec.js";

export const spec = defineSpec({
  name: "system boot",
  aliases: [],
  summary: "Catch up with a host start: record the containers that died, start those whose restart policy says so",
  usage: "",
  args: [],
  options: {},
  examples: ["berth system boot   (infra/berth-boot.service runs it once per host start)"],
});

/** One line per container acted on: `<verb> <id>`, then failures on stderr. */
export function formatBootReport(report: BootReport): string {
  const lines = [
    ...report.recorded.map((id) => `exited ${id}`),
    ...report.restarted.map((id) => `started ${id}`),
    ...report.removed.map((id) => `removed ${id}`),
  ];
  return lines.map((line) => `${line}\n`).join("");
}

/** docker's daemon start-up for berth (which has no daemon). Exit 1 when a container could not be handled. */
export const run: RunCommand<typeof spec> = async (ctx) => {
  const { containers } = await ctx.getService();
  const report = await containers.boot();
  ctx.stdout.write(formatBootReport(report));
  for (const failure of report.failed) ctx.stderr.write(`Error: ${failure.id}: ${failure.message}\n`);
  return report.failed.length === 0 ? 0 : 1;
};
