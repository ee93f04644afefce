import { randomBytes } from "node:crypto";
import { BerthError, validateVolumeName, type VolumeCreateOptions } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withLock } from "../storage/lock.js";
import { checkVolumeOptions } from "./volume-options.js";
import { volumeStoreLock } from "./volume-paths.js";
import { insertVolumeRow, makeVolumeDir } from "./volume-store.js";

/** A new anonymous volume's name: 64 random hex digits, like docker's. */
export const randomVolumeName = (): string => randomBytes(32).toString("hex");

/**
 * docker volume create: the local driver only, docker's name and option rules; a name that exists
 * already is returned as it is (docker's rule), with a `create` event either way.
 */
export async function createVolume(ctx: EngineContext, options: VolumeCreateOptions = {}): Promise<string> {
  const name = options.name === undefined || options.name === "" ? randomVolumeName() : options.name;
  const driver = options.driver ?? "local";
  if (driver !== "local") throw new BerthError("NOT_FOUND", `create ${name}: error looking up volume plugin ${driver}: plugin ${JSON.stringify(driver)} not found`);
  validateVolumeName(name);
  checkVolumeOptions(name, options.options ?? {});
  return withLock(ctx.paths.locks, volumeStoreLock, async () => {
    await makeVolumeDir(ctx, name);
    await ctx.client.$transaction(async (tx) => {
      const isNew = await insertVolumeRow(ctx, tx, { name, anonymous: false, labels: options.labels ?? {}, options: options.options ?? {} });
      if (!isNew) await ctx.events.record({ type: "volume", action: "create", objectId: name, attributes: { driver } }, tx);
    });
    return name;
  });
}
