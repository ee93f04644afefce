import type { PublishedPort } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { reconcileContainer } from "../containers/container-cleanup.js";
import type { ContainerRuntime } from "../containers/container-runtime.js";
import { findContainer, noSuchContainer } from "../containers/container-store.js";

// What readers (ps, port, inspect) show of running containers' leases.

export type EndpointRow = Awaited<ReturnType<EngineContext["client"]["networkEndpoint"]["findFirstOrThrow"]>>;

export const endpointPorts = (endpoint: EndpointRow): PublishedPort[] => JSON.parse(endpoint.ports) as PublishedPort[];

/** Every running container's held host ports, by container id (one query for ps). */
export async function publishedPortsByContainer(ctx: EngineContext): Promise<Map<string, PublishedPort[]>> {
  const byContainer = new Map<string, PublishedPort[]>();
  for (const endpoint of await ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId } })) {
    byContainer.set(endpoint.containerId, [...(byContainer.get(endpoint.containerId) ?? []), ...endpointPorts(endpoint)]);
  }
  return byContainer;
}

/** A container's endpoints with their networks (inspect, port). */
export async function containerEndpoints(ctx: EngineContext, containerId: string) {
  return ctx.client.networkEndpoint.findMany({ where: { nodeId: ctx.nodeId, containerId }, include: { network: true }, orderBy: { createdAt: "asc" } });
}

/** `port CONTAINER`: the held host ports of a running container (reconciled first, so a dead run shows none). */
export async function containerPorts(ctx: EngineContext, runtime: ContainerRuntime, text: string): Promise<PublishedPort[]> {
  const record = await reconcileContainer(ctx, runtime, await findContainer(ctx, text));
  if (!record) throw noSuchContainer(text);
  return (await containerEndpoints(ctx, record.row.id)).flatMap(endpointPorts);
}
