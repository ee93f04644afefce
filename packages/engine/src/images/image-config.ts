import { parseImageConfig, type ImageConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";

/** The stored config bytes of an image, parsed (the bytes themselves are what the ID hashes). */
export async function readImageConfig(ctx: EngineContext, imageId: string): Promise<ImageConfig> {
  return parseImageConfig(await ctx.blobs.readBlobBytes(imageId));
}
