import type { BuildOptions, ConfigStepState, ContainerConfig } from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import type { ContainerRuntime } from "../containers/container-runtime.js";
import type { BuildContext } from "./build-context.js";

/** One stage while it is built: its current image and config, and the ARGs it declared. */
export interface StageState {
  index: number;
  name?: string;
  /** The image of the last step; undefined right after `FROM scratch`. */
  imageId?: string;
  config: ContainerConfig;
  /** Declared ARGs with their effective values (undefined: declared without one). */
  args: Record<string, string | undefined>;
  configState: ConfigStepState;
  /** MAINTAINER, kept for the following steps' history rows. */
  author?: string;
}

/** What every step of one build shares. */
export interface BuildRun {
  ctx: EngineContext;
  runtime: ContainerRuntime;
  options: BuildOptions;
  context: BuildContext;
  /** Stages built so far, for FROM and COPY --from. */
  built: StageState[];
  /** Build args some ARG declared (the others draw docker's "not consumed" warning). */
  consumedArgs: Set<string>;
  /** ARGs declared before the first FROM, with their values: FROM lines and `ARG NAME` in a stage use them. */
  globalArgs: Record<string, string | undefined>;
  out(text: string): void;
}

/** The ARG values a step can expand (declared ones with a value). */
export function definedArgs(stage: StageState): Record<string, string> {
  return Object.fromEntries(Object.entries(stage.args).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
