import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../dockerfile/parse-dockerfile.js";
import { applyConfigInstruction } from "../dockerfile/apply-instruction.js";
import type { ContainerConfig } from "../oci.js";
import { fileStepCommand, formatGoDuration, metadataCommand, runBuildArgs, runSavedCommand } from "./history-text.js";
import { metadataComment } from "./metadata-comment.js";

/** Each line's CREATED BY text as docker 20.10's classic builder wrote it for the same Dockerfile. */
function createdBy(lines: string[], start: ContainerConfig = { Env: ["PATH=/bin"] }, args: Record<string, string> = {}): string[] {
  let config = start;
  const state = { escapeChar: "\\", isCmdSet: false, buildArgs: args };
  return parseDockerfile(`FROM x\n${lines.join("\n")}`).instructions.slice(1).map((instruction) => {
    const after = instruction.keyword === "ARG" || instruction.keyword === "MAINTAINER" ? config : applyConfigInstruction(config, instruction, state);
    const text = metadataCommand(after, metadataComment(instruction, config, after, args)).join(" ");
    config = after;
    return text;
  });
}

describe("classic builder history texts", () => {
  it("matches what docker 20.10 records for metadata steps", () => {
    expect(
      createdBy([
        "ARG V=1",
        "ARG W",
        "ENV GOLANG_PROTOBUF_REGISTRATION_CONFLICT warn",
        'ENV LANG=en_US.UTF-8 B="x y"',
        "USER 0:0",
        "VOLUME /data /d2",
        'VOLUME ["/d3"]',
        'LABEL a=b "c d"=e',
        "STOPSIGNAL SIGQUIT",
        'SHELL ["/bin/sh", "-ec"]',
        "HEALTHCHECK --interval=5s CMD true",
        "ONBUILD RUN echo child",
        "EXPOSE 8000 53/udp",
        'ENTRYPOINT ["/bin/sh"]',
        'CMD ["/etc/kickStart.d/kick_start.sh"]',
        "CMD echo shell",
        "MAINTAINER me",
      ]),
    ).toEqual([
      "/bin/sh -c #(nop)  ARG V=1",
      "/bin/sh -c #(nop)  ARG W",
      "/bin/sh -c #(nop)  ENV GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn",
      "/bin/sh -c #(nop)  ENV LANG=en_US.UTF-8 B=x y",
      "/bin/sh -c #(nop)  USER 0:0",
      "/bin/sh -c #(nop)  VOLUME [/data /d2]",
      "/bin/sh -c #(nop)  VOLUME [/d3]",
      "/bin/sh -c #(nop)  LABEL a=b c d=e",
      "/bin/sh -c #(nop)  STOPSIGNAL SIGQUIT",
      "/bin/sh -ec #(nop)  SHELL [/bin/sh -ec]",
      `/bin/sh -ec #(nop)  HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" '\\x00'}`,
      "/bin/sh -ec #(nop)  ONBUILD RUN echo child",
      "/bin/sh -ec #(nop)  EXPOSE 53/udp 8000",
      '/bin/sh -ec #(nop)  ENTRYPOINT ["/bin/sh"]',
      '/bin/sh -ec #(nop)  CMD ["/etc/kickStart.d/kick_start.sh"]',
      '/bin/sh -ec #(nop)  CMD ["/bin/sh" "-ec" "echo shell"]',
      "/bin/sh -ec #(nop)  MAINTAINER me",
    ]);
  });

  it("expands variables in ENV and LABEL texts with the environment before the step", () => {
    expect(createdBy(["ENV A=$V/x", "LABEL l=${A}"], { Env: [] }, { V: "7" })).toEqual([
      "/bin/sh -c #(nop)  ENV A=7/x",
      "/bin/sh -c #(nop)  LABEL l=7/x",
    ]);
  });

  it("writes WORKDIR, ADD and COPY with one space, RUN with its build args", () => {
    expect(fileStepCommand({}, "COPY file:abc in /etc/ ").join(" ")).toBe("/bin/sh -c #(nop) COPY file:abc in /etc/ ");
    const args = runBuildArgs({ Env: ["PATH=/bin", "OVERRIDDEN=env"] }, { V: "7", W: undefined, OVERRIDDEN: "arg", A: "1" });
    expect(args).toEqual(["A=1", "V=7"]);
    expect(runSavedCommand(["/bin/sh", "-c", "echo $V"], args).join(" ")).toBe("|2 A=1 V=7 /bin/sh -c echo $V");
    expect(runSavedCommand(["/bin/sh", "-c", "true"], [])).toEqual(["/bin/sh", "-c", "true"]);
  });

  it.each([
    [0, "0s"],
    [5e9, "5s"],
    [1.5e9, "1.5s"],
    [90e9, "1m30s"],
    [7200e9, "2h0m0s"],
    [5e8, "500ms"],
    [1500, "1.5µs"],
  ])("formats %d ns as Go does: %s", (ns, text) => {
    expect(formatGoDuration(ns)).toBe(text);
  });
});
