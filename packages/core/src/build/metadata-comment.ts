import { envListToRecord } from "../dockerfile/apply-instruction.js";
import { expandVariables, expandVariablesToWords } from "../dockerfile/expand.js";
import type { Instruction } from "../dockerfile/types.js";
import type { ContainerConfig } from "../oci.js";
import { goList, goQuoteList, healthcheckComment } from "./history-text.js";

/**
 * The comment docker's classic builder records for a metadata step, from the config before and
 * after it (values expanded with the environment before it, as the step itself did).
 */
export function metadataComment(
  instruction: Instruction,
  before: ContainerConfig,
  after: ContainerConfig,
  buildArgs: Readonly<Record<string, string>> = {},
  escapeChar = "\\",
): string {
  const env = { ...buildArgs, ...envListToRecord(before.Env) };
  const expand = (text: string) => expandVariables(text, env, escapeChar);
  switch (instruction.keyword) {
    case "ENV":
    case "LABEL":
      return [instruction.keyword, ...instruction.args.pairs.map((pair) => `${expand(pair.key)}=${expand(pair.value)}`)].join(" ");
    case "ARG":
      return ["ARG", ...instruction.args.pairs.map((pair) => (pair.value === undefined ? pair.key : `${pair.key}=${expand(pair.value)}`))].join(" ");
    case "EXPOSE":
      return `EXPOSE ${instruction.args.ports.flatMap((port) => expandVariablesToWords(port, env, escapeChar)).sort().join(" ")}`;
    case "VOLUME":
      return `VOLUME ${goList(instruction.args.paths.map(expand))}`;
    case "USER":
      return `USER ${after.User ?? ""}`;
    case "STOPSIGNAL":
      return `STOPSIGNAL ${after.StopSignal ?? ""}`;
    case "ONBUILD":
      return `ONBUILD ${instruction.args.expression}`;
    case "HEALTHCHECK":
      return healthcheckComment(after.Healthcheck ?? {});
    case "SHELL":
      return `SHELL ${goList(after.Shell ?? [])}`;
    case "CMD":
      return `CMD ${goQuoteList(after.Cmd ?? [])}`;
    case "ENTRYPOINT":
      return `ENTRYPOINT ${goQuoteList(after.Entrypoint ?? [])}`;
    case "MAINTAINER":
      return `MAINTAINER ${instruction.args.value}`;
    default:
      return instruction.raw;
  }
}
