import { BerthError, applyChanges, parseReference, type ContainerCommitOptions } from "@berth/core";
import { freezeCgroup, thawCgroup } from "../cgroups/cgroup-freezer.js";
import type { EngineContext } from "../engine-context.js";
import { createChildImage } from "../images/child-image.js";
import { withContainerLock } from "./container-cleanup.js";
import { containerPaths } from "./container-paths.js";
import { containerGroup } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { containerEventAttributes, findContainer, loadContainer, noSuchContainer } from "./container-store.js";

/**
 * docker commit: the container's upper dir (never the init layer below it) becomes one new layer
 * on the container's image, with one history row whose CREATED BY is the container's Cmd. A
 * running container is frozen meanwhile unless `pause` is false. Returns the new image ID.
 */
export async function commitContainer(
  ctx: EngineContext,
  runtime: ContainerRuntime,
  text: string,
  options: ContainerCommitOptions = {},
): Promise<string> {
  const target = options.reference ? parseReference(options.reference) : undefined;
  if (target?.digest) throw new BerthError("INVALID_ARGUMENT", "refusing to create a tag with a digest reference");
  const { id } = (await findContainer(ctx, text)).row;
  return withContainerLock(ctx, id, async () => {
    const record = await loadContainer(ctx, id);
    if (!record) throw noSuchContainer(text);
    const config = applyChanges(record.config, options.changes ?? []);
    const shouldFreeze = options.pause !== false && record.state === "running";
    const group = shouldFreeze ? (await containerGroup(ctx, runtime, id)).group : undefined;
    if (group) await freezeCgroup(runtime.cgroupHost, group);
    try {
      const image = await createChildImage(ctx, {
        parentId: record.row.imageId,
        config,
        containerConfig: record.config,
        containerId: id,
        author: options.author,
        comment: options.message,
        createdBy: (record.config.Cmd ?? []).join(" "),
        upperDir: containerPaths(ctx.paths, id).upper,
        tags: target ? [target.canonical] : [],
        action: "commit",
      });
      await ctx.events.record({
        type: "container",
        action: "commit",
        objectId: id,
        attributes: containerEventAttributes(record, { comment: options.message ?? "", imageID: image.id }),
      });
      return image.id;
    } finally {
      if (group) await thawCgroup(runtime.cgroupHost, group);
    }
  });
}
