import { BerthError, invalidArgument, isBerthError } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { withContainerLock } from "./container-cleanup.js";
import { checkContainerName, nameConflict } from "./container-names.js";
import { containerEventAttributes, findContainer, loadContainer, noSuchContainer, updateContainer } from "./container-store.js";

const allocating = (error: BerthError) => new BerthError(error.code, `Error when allocating new name: ${error.message}`);

/**
 * docker rename, running or not, in docker's order of checks: both names given, the container
 * found, not its own name, then the new name valid and free. The row and the `rename` event
 * (with `oldName`) change in one transaction under the container's lock; the unique index on
 * the name settles a race with a create or another rename.
 */
export async function renameContainer(ctx: EngineContext, text: string, newName: string): Promise<void> {
  if (text === "" || newName === "") throw invalidArgument("Neither old nor new names may be empty");
  const { id } = (await findContainer(ctx, text)).row;
  await withContainerLock(ctx, id, async () => {
    const record = await loadContainer(ctx, id);
    if (!record) throw noSuchContainer(text);
    const wanted = newName.startsWith("/") ? newName.slice(1) : newName;
    if (wanted === record.row.name) throw invalidArgument("Renaming a container with the same name as its current name");
    let name: string;
    try {
      name = checkContainerName(newName);
    } catch (error) {
      throw isBerthError(error) ? allocating(new BerthError(error.code, `Invalid container name (/${wanted}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)) : error;
    }
    const taken = await ctx.client.container.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name } }, select: { id: true } });
    if (taken) throw allocating(nameConflict(name, taken.id));
    try {
      await ctx.client.$transaction(async (tx) => {
        const renamed = await updateContainer(ctx, record, { name }, tx);
        await ctx.events.record({ type: "container", action: "rename", objectId: id, attributes: containerEventAttributes(renamed, { oldName: `/${record.row.name}` }) }, tx);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== "P2002") throw error;
      const winner = await ctx.client.container.findUnique({ where: { nodeId_name: { nodeId: ctx.nodeId, name } }, select: { id: true } });
      throw allocating(nameConflict(name, winner?.id ?? ""));
    }
  });
}
