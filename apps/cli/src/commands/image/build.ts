import { writeFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { buffer } from "node:stream/consumers";
import type { BuildContextSource } from "@berth/core";
import { booleanOption, defineSpec, listOption, stringOption, type RunCommand } from "../../command-spec.js";
import type { CommandContext } from "../../context.js";
import { UsageError } from "../../usage-error.js";

export const spec = defineSpec({
  name: "image build",
  aliases: ["build"],
  summary: "Build an image from a Dockerfile",
  usage: "[OPTIONS] PATH | -",
  args: [{ name: "PATH | -" }],
  options: {
    buildArg: listOption("--build-arg list", "Set build-time variables"),
    file: stringOption("-f, --file string", "Name of the Dockerfile (Default is 'PATH/Dockerfile')"),
    forceRm: booleanOption("--force-rm", "Always remove intermediate containers"),
    iidfile: stringOption("--iidfile string", "Write the image ID to the file"),
    label: listOption("--label list", "Set metadata for an image"),
    network: stringOption("--network string", "Set the networking mode for the RUN instructions during build (default \"default\")"),
    noCache: booleanOption("--no-cache", "Do not use cache when building the image"),
    quiet: booleanOption("-q, --quiet", "Suppress the build output and print image ID on success"),
    rm: booleanOption("--rm", "Remove intermediate containers after a successful build", true),
    tag: listOption("-t, --tag list", "Name and optionally a tag in the 'name:tag' format"),
    target: stringOption("--target string", "Set the target build stage to build."),
  },
  examples: ["berth build -t localhost/app:1 .", "berth build -f build/Dockerfile --build-arg VERSION=2 -t localhost/app .", "tar -c . | berth build -t localhost/app -"],
});

/** `K=V`, or `K` taking the value from the caller's environment (left out when it has none). */
function keyValues(ctx: CommandContext, items: string[], flag: string, fromEnv: boolean): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of items) {
    const equals = item.indexOf("=");
    const key = equals < 0 ? item : item.slice(0, equals);
    if (key === "") throw new UsageError(`invalid argument "${item}" for "${flag}" flag: invalid key/value`);
    const value = equals >= 0 ? item.slice(equals + 1) : fromEnv ? ctx.env[key] : "";
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** Docker's step output on stdout; -q prints only the ID. A failed RUN exits with its code. */
export const run: RunCommand<typeof spec> = async (ctx, args, options) => {
  const path = args[0]!;
  if (path === "-" && options.file === "-") throw new UsageError("invalid argument: can't use stdin for both build context and dockerfile");
  const context: BuildContextSource = path === "-" ? { kind: "stream", stream: ctx.stdin } : { kind: "dir", path: resolve(ctx.cwd, path) };
  const dockerfileText = options.file === "-" ? (await buffer(ctx.stdin)).toString("utf8") : undefined;
  const dockerfile = options.file === undefined || options.file === "-" ? undefined : path === "-" || isAbsolute(options.file) ? options.file : resolve(ctx.cwd, options.file);
  const { builds } = await ctx.getService();
  const result = await builds.build({
    context,
    dockerfile,
    dockerfileText,
    tags: options.tag,
    buildArgs: keyValues(ctx, options.buildArg, "--build-arg", true),
    labels: keyValues(ctx, options.label, "--label", false),
    target: options.target,
    noCache: options.noCache,
    remove: options.rm,
    forceRemove: options.forceRm,
    network: options.network,
    signal: ctx.interruptSignal(),
    onOutput: options.quiet ? undefined : (text) => void ctx.stdout.write(text),
  });
  if (result.status === "failed") {
    ctx.stderr.write(`${result.message}\n`);
    return result.exitCode;
  }
  if (options.iidfile !== undefined) await writeFile(resolve(ctx.cwd, options.iidfile), result.imageId);
  if (options.quiet) ctx.stdout.write(`${result.imageId}\n`);
  return 0;
};
