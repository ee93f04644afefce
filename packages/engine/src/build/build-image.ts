import {
  BerthError, expandVariables, familiarName, findStage, isBerthError, parseDockerfile, parseReference, planBuildStages,
  shortId, type BuildOptions, type BuildResult, type ContainerConfig, type FromInstruction, type Instruction,
} from "@berth/core";
import type { EngineContext } from "../engine-context.js";
import type { ContainerRuntime } from "../containers/container-runtime.js";
import { readImageConfig } from "../images/image-config.js";
import { findImage } from "../images/image-lookup.js";
import { tagImage } from "../images/image-tags.js";
import { openBuildContext } from "./build-context.js";
import { type BuildRun, type StageState } from "./build-state.js";
import { RunStepFailure, declareArg, runInstruction } from "./build-steps.js";
import { sweepBuildContainers } from "./step-container.js";

/**
 * docker build with the classic builder's semantics: every instruction of the stages up to the
 * target yields an image whose parent is the previous one, reused from the cache when a child
 * with the same container_config exists; output in docker's step format. A RUN that fails ends
 * the build with its exit code; nothing is tagged then.
 */
export async function buildImage(ctx: EngineContext, runtime: ContainerRuntime, options: BuildOptions): Promise<BuildResult> {
  const tags = (options.tags ?? []).map((tag) => {
    const ref = parseReference(tag);
    if (ref.digest) throw new BerthError("INVALID_ARGUMENT", `invalid argument "${tag}" for "-t, --tag" flag: refusing a digest reference`);
    return ref.canonical;
  });
  await sweepBuildContainers(ctx, runtime);
  const context = await openBuildContext(ctx, options);
  try {
    const parsed = parseDockerfile(context.dockerfileText, { fileName: context.fileName });
    const plan = planBuildStages(parsed, { fileName: context.fileName, target: options.target });
    const labels = Object.entries(options.labels ?? {});
    const labelStep = labels.length === 0 ? undefined : parseDockerfile(`LABEL ${labels.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(" ")}`).instructions[0]!;
    const total = plan.stepCount + (labelStep ? 1 : 0);
    const run: BuildRun = {
      ctx, runtime, options, context, built: [], consumedArgs: new Set(), globalArgs: {}, out: (text) => options.onOutput?.(text, "stdout"),
    };
    const globalStage = newStage(-1, {}, parsed.escapeChar);
    for (const arg of plan.globalArgs) {
      for (const pair of arg.args.pairs) declareArg(run, globalStage, pair.key, pair.value);
    }
    run.globalArgs = globalStage.args;
    let step = 0;
    const announce = (instruction: Instruction) => run.out(`Step ${++step}/${total} : ${instruction.raw}\n`);
    const located = async <T>(instruction: Instruction, action: () => Promise<T>): Promise<T> => {
      try {
        return await action();
      } catch (error) {
        if (isBerthError(error) && !error.message.startsWith(`${context.fileName}:`)) {
          throw new BerthError(error.code, `${context.fileName}:${instruction.line}: ${error.message}`, { hint: error.hint, cause: error });
        }
        throw error;
      }
    };
    for (const planned of plan.stages) {
      announce(planned.from);
      const stage = await located(planned.from, () => startStage(run, planned.from, planned.index, parsed.escapeChar));
      const isLast = planned === plan.stages.at(-1);
      for (const instruction of [...planned.instructions, ...(isLast && labelStep ? [labelStep] : [])]) {
        announce(instruction);
        await located(instruction, () => runInstruction(run, stage, instruction));
      }
      run.built.push(stage);
    }
    const unused = Object.keys(options.buildArgs ?? {}).filter((key) => !run.consumedArgs.has(key)).sort();
    if (unused.length > 0) run.out(`[Warning] One or more build-args [${unused.join(" ")}] were not consumed\n`);
    const finalStage = run.built.at(-1)!;
    if (finalStage.imageId === undefined) throw new BerthError("INVALID_ARGUMENT", "No image was generated. Is your Dockerfile empty?");
    run.out(`Successfully built ${shortId(finalStage.imageId)}\n`);
    for (const tag of tags) {
      await tagImage(ctx, finalStage.imageId, tag);
      run.out(`Successfully tagged ${familiarName(tag)}\n`);
    }
    return { status: "built", imageId: finalStage.imageId };
  } catch (error) {
    if (error instanceof RunStepFailure) return { status: "failed", message: error.message, exitCode: error.exitCode };
    throw error;
  } finally {
    await context.dispose();
  }
}

function newStage(index: number, config: ContainerConfig, escapeChar: string, name?: string): StageState {
  return { index, ...(name === undefined ? {} : { name }), config, args: {}, configState: { escapeChar, isCmdSet: false } };
}

/** FROM: scratch, an earlier stage, or a stored image (never pulled); then the base's ONBUILD triggers. */
async function startStage(run: BuildRun, from: FromInstruction, index: number, escapeChar: string): Promise<StageState> {
  const defined = Object.fromEntries(Object.entries(run.globalArgs).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = expandVariables(from.args.image, defined, escapeChar);
  const stage = newStage(index, {}, escapeChar, from.args.stageName);
  if (text.toLowerCase() !== "scratch") {
    const earlier = findStage(run.built, text);
    const imageId = earlier?.imageId ?? (earlier ? undefined : await findImage(run.ctx, text).then((image) => image.id, (error: unknown) => Promise.reject(noPull(error, text))));
    stage.imageId = imageId;
    stage.config = earlier ? { ...earlier.config } : ((imageId ? (await readImageConfig(run.ctx, imageId)).config : undefined) ?? {});
  }
  run.out(stage.imageId === undefined ? " ---> \n" : ` ---> ${shortId(stage.imageId)}\n`);
  const triggers = stage.config.OnBuild ?? [];
  if (triggers.length > 0) {
    run.out(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? "" : "s"}\n`);
    delete stage.config.OnBuild;
    for (const trigger of parseDockerfile(triggers.join("\n"), { fileName: run.context.fileName }).instructions) {
      await runInstruction(run, stage, trigger);
    }
  }
  delete stage.config.OnBuild;
  return stage;
}

function noPull(error: unknown, text: string): unknown {
  if (!isBerthError(error, "NOT_FOUND")) return error;
  return new BerthError("NOT_FOUND", `No such image: ${text}`, { hint: "build never pulls: load, import or build the base image first" });
}
