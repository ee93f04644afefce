import { assertTransition, type ContainerAction } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { reconcileContainer } from "./container-cleanup.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { findContainer, noSuchContainer, type ContainerRecord } from "./container-store.js";

/**
 * The container named `text`, reconciled with the kernel, for an action that changes nothing
 * (`exec`, `attach`, `top`): throws NOT_FOUND, or CONFLICT with docker's wording when the action
 * is not allowed in its state (`Container <id> is not running`, `… is paused, unpause the
 * container before exec`, `You cannot attach to a stopped container, start it first`).
 */
export async function loadRunningContainer(ctx: EngineContext, runtime: ContainerRuntime, text: string, action: ContainerAction): Promise<ContainerRecord> {
  const record = await reconcileContainer(ctx, runtime, await findContainer(ctx, text));
  if (record === undefined) throw noSuchContainer(text);
  assertTransition(record.state, action, { id: record.row.id, name: record.row.name });
  return record;
}
