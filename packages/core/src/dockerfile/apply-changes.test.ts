import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import type { ContainerConfig } from "../oci.js";
import { applyChanges } from "./apply-changes.js";

function expectInvalid(config: ContainerConfig, changes: string[], message: string): void {
  try {
    applyChanges(config, changes);
    expect.unreachable();
  } catch (error) {
    expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toBe(message);
  }
}

describe("applyChanges (import -c / commit -c)", () => {
  it("returns the config unchanged without changes", () => {
    const config = { Cmd: ["sh"] };
    expect(applyChanges(config, [])).toBe(config);
  });

  it("wraps shell-form CMD and ENTRYPOINT in the shell", () => {
    expect(applyChanges({}, ["CMD echo hi"])).toEqual({ Cmd: ["/bin/sh", "-c", "echo hi"] });
    expect(applyChanges({}, ['CMD ["a", "b"]'])).toEqual({ Cmd: ["a", "b"] });
    expect(applyChanges({ Shell: ["/bin/bash", "-e", "-c"] }, ["entrypoint run.sh"])).toEqual({
      Shell: ["/bin/bash", "-e", "-c"],
      Entrypoint: ["/bin/bash", "-e", "-c", "run.sh"],
    });
  });

  it("clears an inherited Cmd on ENTRYPOINT unless a CMD came first", () => {
    expect(applyChanges({ Cmd: ["old"] }, ['ENTRYPOINT ["/e"]'])).toEqual({ Entrypoint: ["/e"] });
    expect(applyChanges({ Cmd: ["old"] }, ['CMD ["c"]', 'ENTRYPOINT ["/e"]'])).toEqual({ Cmd: ["c"], Entrypoint: ["/e"] });
    expect(applyChanges({ Entrypoint: ["/e"] }, ["ENTRYPOINT []"])).toEqual({});
  });

  it("replaces ENV keys in place, appends new ones, and expands with the env before the line", () => {
    const config = { Env: ["PATH=/bin", "A=1"] };
    expect(applyChanges(config, ["ENV A=2 B=$A", 'ENV K2="v 2" PATH=$PATH:/x'])).toEqual({
      Env: ["PATH=/bin:/x", "A=2", "B=1", "K2=v 2"],
    });
    expect(config.Env).toEqual(["PATH=/bin", "A=1"]);
    expect(applyChanges({}, ["ENV ONE TWO= THREE=world"])).toEqual({ Env: ["ONE=TWO= THREE=world"] });
  });

  it("adds EXPOSE ports, VOLUME paths and LABELs", () => {
    expect(
      applyChanges({ ExposedPorts: { "22/tcp": {} }, Env: ["P=9000"] }, [
        "EXPOSE 80 443/udp 8000-8001/TCP $P",
        'VOLUME ["/data"]',
        "VOLUME /a /b",
        'LABEL a=1 "b c"="d e"',
      ]),
    ).toEqual({
      ExposedPorts: { "22/tcp": {}, "80/tcp": {}, "443/udp": {}, "8000/tcp": {}, "8001/tcp": {}, "9000/tcp": {} },
      Env: ["P=9000"],
      Volumes: { "/data": {}, "/a": {}, "/b": {} },
      Labels: { a: "1", "b c": "d e" },
    });
  });

  it("sets USER, WORKDIR (relative to the current one), STOPSIGNAL, ONBUILD, HEALTHCHECK", () => {
    expect(
      applyChanges({ WorkingDir: "/app" }, [
        "USER 1000:1000",
        "WORKDIR src/../lib",
        "STOPSIGNAL SIGQUIT",
        "ONBUILD RUN make",
        "HEALTHCHECK --interval=5s CMD true",
      ]),
    ).toEqual({
      WorkingDir: "/app/lib",
      User: "1000:1000",
      StopSignal: "SIGQUIT",
      OnBuild: ["RUN make"],
      Healthcheck: { Test: ["CMD-SHELL", "true"], Interval: 5e9 },
    });
  });

  it("reads the lines as one Dockerfile (a trailing escape continues into the next change)", () => {
    expect(applyChanges({}, ["ENV A=1 \\", "B=2"])).toEqual({ Env: ["A=1", "B=2"] });
  });

  it("rejects instructions that are not change commands, with docker's wording", () => {
    expectInvalid({}, ["RUN echo hi"], "run is not a valid change command");
    expectInvalid({}, ["CMD x", "FROM busybox"], "from is not a valid change command");
    expectInvalid({}, ["FOO bar"], "foo is not a valid change command");
  });

  it("reports bad arguments without a file location", () => {
    expectInvalid({}, ["ENV"], "ENV requires at least one argument");
    expectInvalid({}, ["EXPOSE 80/xyz"], "invalid proto: xyz");
    expectInvalid({}, ["EXPOSE 99999"], "invalid containerPort: 99999");
    expectInvalid({}, ["STOPSIGNAL SIGFOO"], "Invalid signal: SIGFOO");
    expectInvalid({}, [""], "file with no instructions");
  });
});
