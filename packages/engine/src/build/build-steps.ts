import {
  BerthError, applyConfigInstruction, expandVariables, fileStepCommand, joinPosixPath, metadataCommand, metadataComment,
  runBuildArgs, runSavedCommand, shortId, type ContainerConfig, type CopyInstruction, type Instruction,
} from "@berth/core";
import { createChildImage } from "../images/child-image.js";
import { findCachedImage } from "./build-cache.js";
import { definedArgs, type BuildRun, type StageState } from "./build-state.js";
import { copyStep } from "./copy-step.js";
import { makeWorkdir } from "./copy-into-rootfs.js";
import { removeStepContainer, runStepContainer, writeStepContainer, type WrittenStep } from "./step-container.js";

const DEFAULT_SHELL = ["/bin/sh", "-c"];

/** A RUN whose command failed: the build stops with the command's exit code. */
export class RunStepFailure extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/**
 * One step on top of the stage's image: a cached child when one matches (parent + container_config),
 * else `produce` (a container's upper dir, or nothing for metadata) committed as a new image.
 */
async function commitStep(run: BuildRun, stage: StageState, after: ContainerConfig, cmd: string[], produce?: () => Promise<WrittenStep>): Promise<void> {
  const containerConfig: ContainerConfig = { ...after, Image: stage.imageId ?? "", Cmd: cmd };
  if (run.options.noCache !== true) {
    const cached = await findCachedImage(run.ctx, stage.imageId, containerConfig);
    if (cached !== undefined) {
      run.out(` ---> Using cache\n ---> ${shortId(cached)}\n`);
      Object.assign(stage, { imageId: cached, config: after });
      return;
    }
  }
  const written = await produce?.();
  try {
    const image = await createChildImage(run.ctx, {
      parentId: stage.imageId,
      config: { ...after, Image: stage.imageId ?? "" },
      containerConfig,
      containerId: written?.containerId,
      author: stage.author,
      createdBy: cmd.join(" "),
      upperDir: written?.upperDir,
      moveUpperDir: written?.isUpperDisposed,
      action: "build",
    });
    Object.assign(stage, { imageId: image.id, config: after });
  } finally {
    await written?.dispose();
  }
  run.out(` ---> ${shortId(stage.imageId!)}\n`);
}

/** Runs one instruction of a stage (FROM is the caller's). */
export async function runInstruction(run: BuildRun, stage: StageState, instruction: Instruction): Promise<void> {
  stage.configState.buildArgs = definedArgs(stage);
  const comment = (after: ContainerConfig) =>
    metadataComment(instruction, stage.config, after, stage.configState.buildArgs, stage.configState.escapeChar);
  switch (instruction.keyword) {
    case "ARG":
      for (const pair of instruction.args.pairs) declareArg(run, stage, pair.key, pair.value);
      return commitStep(run, stage, stage.config, metadataCommand(stage.config, comment(stage.config)));
    case "MAINTAINER":
      stage.author = instruction.args.value;
      return commitStep(run, stage, stage.config, metadataCommand(stage.config, comment(stage.config)));
    case "RUN":
      return runStep(run, stage, instruction.args.form === "exec" ? instruction.args.argv : [...(stage.config.Shell ?? DEFAULT_SHELL), instruction.args.form === "shell" ? instruction.args.command : ""]);
    case "ADD":
    case "COPY":
      return fileStep(run, stage, instruction);
    case "WORKDIR": {
      const after = applyConfigInstruction(stage.config, instruction, stage.configState);
      const dir = after.WorkingDir!;
      return commitStep(run, stage, after, fileStepCommand(after, `WORKDIR ${dir}`), () =>
        writeStepContainer(run.ctx, run.runtime, stage.imageId, async (rootfs) => makeWorkdir(rootfs, dir)));
    }
    case "FROM":
      throw new BerthError("INTERNAL", "FROM is handled by the stage");
    default: {
      const after = applyConfigInstruction(stage.config, instruction, stage.configState);
      return commitStep(run, stage, after, metadataCommand(after, comment(after)));
    }
  }
}

/** ARG: the --build-arg value, else the default (expanded), else the global ARG of that name. */
export function declareArg(run: BuildRun, stage: StageState, key: string, value: string | undefined): void {
  const given = run.options.buildArgs ?? {};
  const fallback = value === undefined ? run.globalArgs[key] : expandVariables(value, { ...definedArgs(stage) }, stage.configState.escapeChar);
  stage.args[key] = Object.hasOwn(given, key) ? given[key] : fallback;
  run.consumedArgs.add(key);
}

async function runStep(run: BuildRun, stage: StageState, command: string[]): Promise<void> {
  if (stage.imageId === undefined) throw new BerthError("INVALID_ARGUMENT", `exec: "${command[0]}": stat ${command[0]}: no such file or directory`);
  const args = runBuildArgs(stage.config, stage.args);
  const saved = runSavedCommand(command, args);
  await commitStep(run, stage, stage.config, saved, async () => {
    let created: string | undefined;
    try {
      const { container, exitCode } = await runStepContainer(
        run.ctx, run.runtime,
        { imageId: stage.imageId!, cmd: command, env: args, network: run.options.network, signal: run.options.signal },
        (text, stream) => run.options.onOutput?.(text, stream),
        (container) => {
          created = container.id;
          run.out(` ---> Running in ${shortId(container.id)}\n`);
        },
      );
      if (run.options.signal?.aborted) throw new BerthError("UNAVAILABLE", "the build was interrupted");
      if (exitCode !== 0) {
        throw new RunStepFailure(`The command '${saved.join(" ")}' returned a non-zero code: ${exitCode}`, exitCode);
      }
      const { remove = true, forceRemove = false } = run.options;
      return {
        upperDir: container.upperDir, containerId: container.id, isUpperDisposed: remove || forceRemove, dispose: () => removeUnlessKept(run, container.id, true),
      };
    } catch (error) {
      if (created !== undefined) await removeUnlessKept(run, created, false);
      throw error;
    }
  });
}

/** --rm (default) removes a RUN's container after success, --force-rm always; an interrupted build always. */
async function removeUnlessKept(run: BuildRun, id: string, succeeded: boolean): Promise<void> {
  const { remove = true, forceRemove = false, signal } = run.options;
  if (!(forceRemove || signal?.aborted || (succeeded && remove))) return;
  run.out(`Removing intermediate container ${shortId(id)}\n`);
  await removeStepContainer(run.ctx, run.runtime, id);
}

async function fileStep(run: BuildRun, stage: StageState, instruction: CopyInstruction): Promise<void> {
  const env = { ...definedArgs(stage), ...Object.fromEntries((stage.config.Env ?? []).map((entry) => [entry.split("=", 1)[0]!, entry.slice(entry.indexOf("=") + 1)])) };
  const expand = (text: string) => expandVariables(text, env, stage.configState.escapeChar);
  const rawDest = expand(instruction.args.destination);
  const dest = rawDest.startsWith("/") ? rawDest : `${joinPosixPath("/", stage.config.WorkingDir ?? "/", rawDest)}${rawDest.endsWith("/") ? "/" : ""}`;
  const prepared = await copyStep(run, instruction, instruction.args.sources.map(expand), dest, expand);
  try {
    const cmd = fileStepCommand(stage.config, `${instruction.keyword} ${prepared.checksum} in ${dest} `);
    await commitStep(run, stage, stage.config, cmd, () => writeStepContainer(run.ctx, run.runtime, stage.imageId, prepared.write));
  } finally {
    await prepared.dispose();
  }
}
