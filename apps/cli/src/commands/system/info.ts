import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { renderObject } from "../../output.js";
import { formatInfo, infoTemplateData } from "../../render/info-text.js";

export const spec = defineSpec({
  name: "system info",
  aliases: ["info"],
  summary: "Display system-wide information",
  usage: "[OPTIONS]",
  args: [],
  options: {
    format: stringOption("-f, --format string", "Format output using a custom template"),
  },
  examples: ["berth info", "berth info --format '{{.Settings.root.Value}}'"],
});

export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const service = await ctx.getService();
  const info = await service.system.info();
  ctx.stdout.write(options.format === undefined ? formatInfo(info) : renderObject(options.format, infoTemplateData(info)));
  return 0;
};
