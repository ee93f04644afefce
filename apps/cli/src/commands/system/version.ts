import { engineVersion } from "@berth/engine/version";
import { defineSpec, stringOption, type RunCommand } from "../../command-spec.js";
import { renderObject } from "../../output.js";
import { formatVersion, versionTemplateData } from "../../render/version-text.js";

export const spec = defineSpec({
  name: "version",
  aliases: [],
  summary: "Show the berth version information",
  usage: "[OPTIONS]",
  args: [],
  options: {
    format: stringOption("-f, --format string", "Format output using a custom template"),
  },
  examples: ["berth version", "berth version --format '{{.Version}}'"],
});

/** Answers without the engine: berth version never opens the database. */
export const run: RunCommand<typeof spec> = async (ctx, _args, options) => {
  const info = engineVersion();
  ctx.stdout.write(options.format === undefined ? formatVersion(info) : renderObject(options.format, versionTemplateData(info)));
  return 0;
};
