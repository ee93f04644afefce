import { shortId } from "@berth/core";
import { booleanOption, defineSpec, formatOptionHelp, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { checkFilterKeys, parseFilters } from "../../filters.js";
import { renderRows, resolveFormat } from "../../output.js";

export const spec = defineSpec({
  name: "network ls",
  aliases: ["network list"],
  summary: "List networks",
  usage: "[OPTIONS]",
  args: [],
  options: {
    filter: listOption("-f, --filter filter", "Provide filter values (e.g. 'driver=bridge')"),
    format: stringOption("--format string", formatOptionHelp),
    noTrunc: booleanOption("--no-trunc", "Do not truncate the output"),
    quiet: booleanOption("-q, --quiet", "Only display network IDs"),
  },
  examples: ["berth network ls", "berth network ls -f driver=bridge -q"],
});

const headers = { ID: "NETWORK ID", Name: "NAME", Driver: "DRIVER", Scope: "SCOPE", Internal: "INTERNAL", Labels: "LABELS", CreatedAt: "CREATED AT" } as const;

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const filters = parseFilters(options.filter);
  checkFilterKeys(filters, ["name", "id", "driver", "label"]);
  const { networks } = await ctx.getService();
  const rows = (await networks.list({ filters })).map((network) => ({
    ID: options.noTrunc ? network.id : shortId(network.id),
    Name: network.name,
    Driver: network.driver,
    Scope: network.scope,
    Internal: String(network.internal),
    Labels: Object.entries(network.labels).map(([key, value]) => `${key}=${value}`).join(","),
    CreatedAt: network.created.toISOString(),
  }));
  if (options.quiet && resolveFormat(options.format, "table") === "table") {
    ctx.stdout.write(rows.map((row) => `${row.ID}\n`).join(""));
    return 0;
  }
  ctx.stdout.write(renderRows(resolveFormat(options.format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"), headers, rows));
  return 0;
};
