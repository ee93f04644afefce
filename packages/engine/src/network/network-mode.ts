import { BerthError, invalidArgument, type ContainerConfig, type PortBindings } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import { containerPaths } from "../containers/container-paths.js";
import { findContainer } from "../containers/container-store.js";
import { findNetwork } from "./network-store.js";

// HostConfig.NetworkMode as `--network` sets it (docker's values), and the ports a start binds.

export type NetworkMode =
  | { kind: "bridge"; network: string }
  | { kind: "host" }
  | { kind: "none" }
  | { kind: "container"; container: string };

export function networkMode(hostConfig: { NetworkMode: string }): NetworkMode {
  const mode = hostConfig.NetworkMode;
  if (mode === "default" || mode === "bridge" || mode === "") return { kind: "bridge", network: "bridge" };
  if (mode === "host" || mode === "none") return { kind: mode };
  if (mode.startsWith("container:")) return { kind: "container", container: mode.slice("container:".length) };
  return { kind: "bridge", network: mode };
}

/** `--network` checked at create, like docker: `container:` needs a name, published ports need a bridge. */
export function checkNetworkMode(text: string, publishes: boolean): string {
  if (text === "container:") throw invalidArgument("invalid container format container:<name|id>");
  const mode = networkMode({ NetworkMode: text });
  if (publishes && mode.kind !== "bridge") throw invalidArgument(mode.kind === "container" ? "conflicting options: port publishing and the container type network mode" : "published ports are discarded when using host or none network mode");
  return text;
}

/** HostConfig.PortBindings plus, with `-P`, every exposed port not bound yet on a random host port. */
export function publishedBindings(config: ContainerConfig, hostConfig: { PortBindings: PortBindings; PublishAllPorts: boolean }): PortBindings {
  const bindings: PortBindings = { ...hostConfig.PortBindings };
  if (hostConfig.PublishAllPorts) {
    for (const key of Object.keys(config.ExposedPorts ?? {})) bindings[key] ??= [{ HostIp: "", HostPort: "" }];
  }
  return bindings;
}

/** `container:NAME`: the namespace handle of that running container. */
export async function containerNetnsOf(ctx: EngineContext, text: string): Promise<string> {
  const record = await findContainer(ctx, text);
  if (record.row.state !== "running" && record.row.state !== "paused") {
    throw new BerthError("CONFLICT", `cannot join network of a non running container: ${record.row.id}`);
  }
  return containerPaths(ctx.paths, record.row.id).netns;
}

/** create's check of `--network`: the mode's own rules, and a named network must exist (docker's `network X not found`). */
export async function checkContainerNetwork(ctx: EngineContext, text: string, publishes: boolean): Promise<string> {
  const mode = networkMode({ NetworkMode: checkNetworkMode(text, publishes) });
  if (mode.kind === "bridge" && mode.network !== "bridge") await findNetwork(ctx, mode.network);
  return text;
}
