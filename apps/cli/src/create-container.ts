import {
  BerthError,
  invalidArgument,
  isBerthError,
  parseReference,
  type BerthService,
  type ContainerCreateOptions,
} from "@berth/core";
import type { CommandContext } from "./context.js";

/** docker's `--pull` values; "missing" is the default. */
export type PullPolicy = "always" | "missing" | "never";

export function parsePullPolicy(text: string | undefined): PullPolicy {
  if (text === undefined || text === "missing" || text === "always" || text === "never") return text ?? "missing";
  throw invalidArgument(`invalid pull option: '${text}': must be one of "always", "missing" or "never"`);
}

/**
 * Create the container and return its id, printing the engine's warnings like docker
 * (`WARNING: …`). berth has no registry client yet: with `--pull=missing` (the default) or
 * `always`, an image that is not stored is reported as docker reports it before pulling, then
 * refused with a hint, and no registry is contacted.
 */
export async function createContainer(
  ctx: CommandContext,
  options: ContainerCreateOptions,
  pullPolicy: PullPolicy,
): Promise<string> {
  const service = await ctx.getService();
  let created: { id: string; warnings: string[] };
  try {
    created = await service.containers.create(options);
  } catch (error) {
    if (pullPolicy === "never" || !isBerthError(error, "NOT_FOUND")) throw error;
    if (await isImageStored(service, options.image)) throw error;
    const name = familiarOrAsTyped(options.image);
    ctx.stderr.write(`Unable to find image '${name}' locally\n`);
    throw new BerthError("UNAVAILABLE", `cannot pull ${name}: berth cannot pull from registries yet`, {
      hint: "Load the image with 'berth load' or 'berth import' first",
    });
  }
  if (pullPolicy === "always") {
    ctx.stderr.write(`WARNING: berth cannot pull from registries yet; using the stored ${familiarOrAsTyped(options.image)}\n`);
  }
  for (const warning of created.warnings) ctx.stderr.write(`WARNING: ${warning}\n`);
  return created.id;
}

/** Whether a NOT_FOUND from create was about the image (docker pulls only then). */
async function isImageStored(service: BerthService, image: string): Promise<boolean> {
  try {
    await service.images.inspect(image);
    return true;
  } catch (error) {
    if (isBerthError(error, "NOT_FOUND")) return false;
    throw error;
  }
}

function familiarOrAsTyped(image: string): string {
  try {
    return parseReference(image).familiar;
  } catch {
    return image;
  }
}
