import { dockerfileError } from "../dockerfile/dockerfile-error.js";
import type { ArgInstruction, FromInstruction, Instruction, ParsedDockerfile } from "../dockerfile/types.js";

/** One `FROM … [AS name]` stage and the instructions after it. */
export interface BuildStage {
  index: number;
  /** Lower-case `AS` name, when there is one. */
  name?: string;
  from: FromInstruction;
  instructions: Instruction[];
}

export interface BuildPlan {
  /** ARGs before the first FROM: usable in FROM lines (and re-declared inside a stage). */
  globalArgs: ArgInstruction[];
  /** The stages to build, in order, ending with the target. */
  stages: BuildStage[];
  /** Steps the classic builder numbers (`Step 3/12`): FROM lines and instructions of these stages. */
  stepCount: number;
}

/**
 * Splits a parsed Dockerfile into stages like docker's classic builder: only ARG may precede the
 * first FROM; `--target` builds the stages up to the named one. A stage may use (FROM, COPY
 * --from) only stages before it: a COPY --from naming its own stage or a later one is a cycle (a
 * FROM naming one is an image name, as in docker). Errors name the file and line.
 */
export function planBuildStages(parsed: ParsedDockerfile, options: { fileName?: string; target?: string } = {}): BuildPlan {
  const fileName = options.fileName ?? "Dockerfile";
  const globalArgs: ArgInstruction[] = [];
  const stages: BuildStage[] = [];
  if (parsed.instructions.length === 0) throw dockerfileError({ fileName }, "file with no instructions");
  for (const instruction of parsed.instructions) {
    if (instruction.keyword === "FROM") {
      const name = instruction.args.stageName;
      if (name !== undefined && stages.some((stage) => stage.name === name)) {
        throw dockerfileError({ fileName, line: instruction.line }, `duplicate name ${name}`);
      }
      stages.push({ index: stages.length, ...(name === undefined ? {} : { name }), from: instruction, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== "ARG") {
        throw dockerfileError({ fileName, line: instruction.line }, "no build stage in current context");
      }
      globalArgs.push(instruction);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw dockerfileError({ fileName }, "no build stage in current context");
  for (const stage of stages) checkStageReferences(stage, stages, fileName);
  let selected = stages;
  if (options.target !== undefined) {
    const target = options.target.toLowerCase();
    const index = stages.findIndex((stage) => stage.name === target);
    if (index < 0) throw dockerfileError({}, `failed to reach build target ${options.target} in Dockerfile`);
    selected = stages.slice(0, index + 1);
  }
  const stepCount = selected.reduce((sum, stage) => sum + 1 + stage.instructions.length, 0);
  return { globalArgs, stages: selected, stepCount };
}

/** COPY --from may name only earlier stages (by name or index). */
function checkStageReferences(stage: BuildStage, stages: BuildStage[], fileName: string): void {
  const references: Array<{ text: string; line: number }> = [];
  for (const instruction of stage.instructions) {
    const from = instruction.keyword === "COPY" ? instruction.flags.from : undefined;
    if (from !== undefined) references.push({ text: from, line: instruction.line });
  }
  for (const { text, line } of references) {
    const named = stages.find((other) => other.name === text.toLowerCase() || String(other.index) === text);
    if (named !== undefined && named.index >= stage.index) {
      throw dockerfileError({ fileName, line }, `circular dependency detected on stage: ${named.name ?? named.index}`);
    }
  }
}

/** The stage a FROM or COPY --from names among those built so far, else undefined (an image). */
export function findStage<T extends { name?: string; index: number }>(built: readonly T[], text: string): T | undefined {
  return built.find((stage) => stage.name === text.toLowerCase() || String(stage.index) === text);
}
