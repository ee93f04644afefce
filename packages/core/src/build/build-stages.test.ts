import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { parseDockerfile } from "../dockerfile/parse-dockerfile.js";
import { findStage, planBuildStages } from "./build-stages.js";

const plan = (text: string, target?: string) => planBuildStages(parseDockerfile(text), target === undefined ? {} : { target });

function expectError(text: string, message: string, target?: string): void {
  try {
    plan(text, target);
    expect.unreachable();
  } catch (error) {
    expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toBe(message);
  }
}

describe("planBuildStages", () => {
  it("splits stages, keeps ARGs before the first FROM global, and counts steps like docker", () => {
    const built = plan("ARG BASE=busybox\nFROM $BASE AS build\nRUN make\nFROM scratch\nCOPY --from=build /a /b\nCMD [\"/b\"]\n");
    expect(built.globalArgs.map((arg) => arg.args.pairs)).toEqual([[{ key: "BASE", value: "busybox" }]]);
    expect(built.stages.map((stage) => [stage.index, stage.name, stage.from.args.image, stage.instructions.map((i) => i.keyword)])).toEqual([
      [0, "build", "$BASE", ["RUN"]],
      [1, undefined, "scratch", ["COPY", "CMD"]],
    ]);
    expect(built.stepCount).toBe(5);
  });

  it("stops at --target", () => {
    const built = plan("FROM a AS one\nRUN x\nFROM b AS two\nRUN y\nFROM c AS three\n", "TWO");
    expect(built.stages.map((stage) => stage.name)).toEqual(["one", "two"]);
    expect(built.stepCount).toBe(4);
    expectError("FROM a AS one\n", "failed to reach build target nope in Dockerfile", "nope");
  });

  it("refuses instructions before FROM, empty files, duplicate names and COPY --from of the stage itself or a later one", () => {
    expectError("RUN x\nFROM a\n", "Dockerfile:1: no build stage in current context");
    expectError("ARG A\n", "Dockerfile: no build stage in current context");
    expectError("\n# only a comment\n", "Dockerfile: file with no instructions");
    expectError("FROM a AS x\nFROM b AS x\n", "Dockerfile:2: duplicate name x");
    expectError("FROM a AS x\nCOPY --from=x /a /b\n", "Dockerfile:2: circular dependency detected on stage: x");
    expectError("FROM a AS x\nCOPY --from=y /a /b\nFROM b AS y\n", "Dockerfile:2: circular dependency detected on stage: y");
    expect(plan("FROM busybox AS busybox\nRUN x\n").stages).toHaveLength(1);
    expectError("FROM a\nCOPY --from=0 /a /b\n", "Dockerfile:2: circular dependency detected on stage: 0");
  });

  it("finds earlier stages by name (any case) or index", () => {
    const built = [{ index: 0, name: "build" }, { index: 1 }];
    expect(findStage(built, "BUILD")).toBe(built[0]);
    expect(findStage(built, "1")).toBe(built[1]);
    expect(findStage(built, "busybox")).toBeUndefined();
  });
});
