import type { ImageListOptions } from "@berth/core";
import { booleanOption, defineSpec, formatOptionHelp, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import { checkFilterKeys, parseBooleanFilter, parseFilters } from "../../filters.js";
import { renderRows, resolveFormat } from "../../output.js";
import {
  buildImageRows,
  defaultImageTableFormat,
  defaultImageTableFormatWithDigest,
  imageHeaderNames,
  uniqueImageIds,
} from "../../render/image-rows.js";

export const spec = defineSpec({
  name: "image ls",
  aliases: ["image list", "images"],
  summary: "List images",
  usage: "[OPTIONS] [REPOSITORY[:TAG]]",
  args: [{ name: "REPOSITORY[:TAG]", isOptional: true }],
  options: {
    all: booleanOption("-a, --all", "Show all images (default hides intermediate images)"),
    digests: booleanOption("--digests", "Show digests"),
    filter: listOption("-f, --filter filter", "Filter output based on conditions provided"),
    format: stringOption("--format string", formatOptionHelp),
    noTrunc: booleanOption("--no-trunc", "Don't truncate output"),
    quiet: booleanOption("-q, --quiet", "Only show image IDs"),
  },
  examples: ["berth images", "berth images -a --digests", "berth images -f dangling=true -q", "berth images busybox"],
});

/** `-f` flags and the REPOSITORY[:TAG] operand as the service's list options. */
export function toListOptions(filterFlags: readonly string[], pattern: string | undefined, isAll: boolean): ImageListOptions {
  const filters = parseFilters(filterFlags);
  checkFilterKeys(filters, ["dangling", "reference", "label"]);
  const options: ImageListOptions = { all: isAll };
  const dangling = filters["dangling"];
  if (dangling !== undefined) {
    // As in docker, dangling=true wins when both values are given.
    options.dangling = dangling.map((value) => parseBooleanFilter("dangling", value)).includes(true);
  }
  const references = [...(filters["reference"] ?? []), ...(pattern === undefined ? [] : [pattern])];
  if (references.length > 0) options.references = references;
  if (filters["label"] !== undefined) options.labels = filters["label"];
  return options;
}

export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const listOptions = toListOptions(options.filter, args[0], options.all);
  const service = await ctx.getService();
  const images = await service.images.list(listOptions);
  const userFormat = options.format;
  const rows = buildImageRows(images, {
    isAll: options.all,
    isTruncated: !options.noTrunc,
    showDigests: options.digests || (userFormat?.includes(".Digest") ?? false),
    now: ctx.now(),
  });
  const isDefaultTable = resolveFormat(userFormat, "table") === "table";
  if (options.quiet && isDefaultTable) {
    ctx.stdout.write(uniqueImageIds(rows).map((id) => `${id}\n`).join(""));
    return 0;
  }
  const defaultFormat = options.digests ? defaultImageTableFormatWithDigest : defaultImageTableFormat;
  ctx.stdout.write(renderRows(resolveFormat(userFormat, defaultFormat), imageHeaderNames, rows));
  return 0;
};
