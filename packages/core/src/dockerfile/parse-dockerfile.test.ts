import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { parseDockerfile } from "./parse-dockerfile.js";
import type { Instruction } from "./types.js";

const parse = (text: string) => parseDockerfile(text).instructions;
const only = (text: string): Instruction => {
  const [instruction] = parse(text);
  return instruction!;
};

function expectError(text: string, message: string, fileName?: string): void {
  try {
    parseDockerfile(text, fileName === undefined ? {} : { fileName });
    expect.unreachable();
  } catch (error) {
    expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toBe(message);
  }
}

describe("parseDockerfile: lines, comments, continuations", () => {
  it("reads case-insensitive keywords with line numbers, skipping comments and blank lines", () => {
    const instructions = parse("# comment\nfrom busybox AS Build\n\n  run echo hi\n# another\nCmd [\"sh\"]\n");
    expect(instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ["FROM", 2, 2],
      ["RUN", 4, 4],
      ["CMD", 6, 6],
    ]);
    expect(instructions[0]).toMatchObject({ args: { image: "busybox", stageName: "build" }, raw: "from busybox AS Build" });
  });

  it("joins continuation lines, keeping their indentation and skipping comments and blank lines inside", () => {
    const run = only("RUN apt-get update \\\n    && apt-get install -y x \\\n# a comment\n\n    && echo done\nUSER app");
    expect(run).toMatchObject({
      keyword: "RUN",
      line: 1,
      endLine: 5,
      args: { form: "shell", command: "apt-get update     && apt-get install -y x     && echo done" },
    });
  });

  it("allows spaces after the continuation character and CRLF line ends, and drops a BOM", () => {
    const instructions = parse("\uFEFFFROM a\r\nRUN a \\  \r\n b\r\n");
    expect(instructions[1]).toMatchObject({ args: { command: "a  b" }, line: 2, endLine: 3 });
  });

  it("honours the escape directive", () => {
    const parsed = parseDockerfile("# escape=`\n# syntax=docker/dockerfile:1\nFROM x\nRUN dir c:\\ `\n  && echo hi\n");
    expect(parsed.directives).toEqual({ escape: "`", syntax: "docker/dockerfile:1" });
    expect(parsed.escapeChar).toBe("`");
    expect(parsed.instructions[1]).toMatchObject({ args: { command: "dir c:\\   && echo hi" }, line: 4, endLine: 5 });
  });

  it("reads directives only at the very top", () => {
    expect(parseDockerfile("# hello\n# escape=`\nFROM x").directives).toEqual({});
    expect(parseDockerfile("\n# escape=`\nFROM x").directives).toEqual({});
    expect(parseDockerfile("FROM x\n# escape=`\nRUN a \\\n b").instructions[1]).toMatchObject({ args: { command: "a  b" } });
    expect(parseDockerfile("#  ESCAPE =  `  \nFROM x").escapeChar).toBe("`");
  });

  it("rejects repeated or invalid directives", () => {
    expectError("# escape=`\n# escape=\\\nFROM x", "Dockerfile:2: only one escape parser directive can be used");
    expectError("# escape=x\nFROM x", "Dockerfile:1: invalid escape token 'x' does not match ` or \\");
  });
});

describe("parseDockerfile: arguments", () => {
  it("tells exec form from shell form", () => {
    expect(only('CMD ["nginx", "-g", "daemon off;"]').args).toEqual({ form: "exec", argv: ["nginx", "-g", "daemon off;"] });
    expect(only("CMD [nginx, -g]").args).toEqual({ form: "shell", command: "[nginx, -g]" });
    expect(only('ENTRYPOINT ["a"] b').args).toEqual({ form: "shell", command: '["a"] b' });
    expect(only("ENTRYPOINT []").args).toEqual({ form: "exec", argv: [] });
    expect(only("CMD").args).toEqual({ form: "empty" });
    expectError('CMD ["a", 1]', "Dockerfile:1: when using JSON array syntax, arrays must be comprised of strings only");
  });

  it("reads ENV in both forms, keeping quotes for expansion", () => {
    expect(only('ENV A=1 B="two words" C=x\\ y D=').args).toEqual({
      pairs: [
        { key: "A", value: "1" },
        { key: "B", value: '"two words"' },
        { key: "C", value: "x\\ y" },
        { key: "D", value: "" },
      ],
    });
    expect(only("ENV ONE TWO= THREE=world").args).toEqual({ pairs: [{ key: "ONE", value: "TWO= THREE=world" }] });
    expect(only("LABEL maintainer=me version=\"1.0\"").args).toEqual({
      pairs: [
        { key: "maintainer", value: "me" },
        { key: "version", value: '"1.0"' },
      ],
    });
    expectError("ENV FOO", "Dockerfile:1: ENV must have two arguments");
    expectError("ENV", "Dockerfile:1: ENV requires at least one argument");
    expectError("ENV A=1 B", 'Dockerfile:1: Syntax error - can\'t find = in "B". Must be of the form: name=value');
    expectError("LABEL =x", "Dockerfile:1: LABEL names can not be blank");
  });

  it("reads EXPOSE, VOLUME, ARG, ADD/COPY with flags, USER, WORKDIR", () => {
    expect(only("EXPOSE 80 443/udp").args).toEqual({ ports: ["80", "443/udp"] });
    expect(only('VOLUME ["/data", "/logs"]').args).toEqual({ paths: ["/data", "/logs"] });
    expect(only("VOLUME /data /logs").args).toEqual({ paths: ["/data", "/logs"] });
    expect(only("ARG A B=2").args).toEqual({ pairs: [{ key: "A" }, { key: "B", value: "2" }] });
    expect(only("COPY --from=build --chown=1:1 --link a b /dst/")).toMatchObject({
      flags: { from: "build", chown: "1:1", link: "true" },
      args: { sources: ["a", "b"], destination: "/dst/" },
      rawArgs: "a b /dst/",
    });
    expect(only('ADD ["a b", "/c"]').args).toEqual({ sources: ["a b"], destination: "/c" });
    expect(only("USER app:app").args).toEqual({ value: "app:app" });
    expect(only("WORKDIR /a b").args).toEqual({ value: "/a b" });
    expectError("COPY a", "Dockerfile:1: COPY requires at least two arguments, but only one was provided. Destination could not be determined");
    expectError("VOLUME [\"\"]", "Dockerfile:1: VOLUME specified can not be an empty string");
    expectError("USER", "Dockerfile:1: USER requires exactly one argument");
    expectError("EXPOSE", "Dockerfile:1: EXPOSE requires at least one argument");
  });

  it("checks flags", () => {
    expectError("COPY --foo=bar a b", "Dockerfile:1: unknown flag: foo");
    expectError("COPY --from a b", "Dockerfile:1: Missing a value on flag: from");
    expectError("COPY --from=a --from=b a b", "Dockerfile:1: Duplicate flag specified: from");
    expectError("COPY --link=maybe a b", "Dockerfile:1: expecting boolean value for flag link, not: maybe");
    expectError("RUN --mount=type=cache make", "Dockerfile:1: unknown flag: mount");
    expect(only("FROM --platform=linux/amd64 x")).toMatchObject({ flags: { platform: "linux/amd64" }, args: { image: "x" } });
  });

  it("reads FROM stages", () => {
    expectError("FROM a b", "Dockerfile:1: FROM requires either one or three arguments");
    expectError("FROM a AS 1x", 'Dockerfile:1: invalid name for build stage: "1x", name can\'t start with a number or contain symbols');
  });

  it("reads HEALTHCHECK", () => {
    expect(only("HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/").args).toEqual({
      health: { Test: ["CMD-SHELL", "curl -f http://localhost/"], Interval: 30e9, Retries: 3 },
    });
    expect(only('HEALTHCHECK --timeout=1m30s CMD ["curl", "x"]').args).toEqual({
      health: { Test: ["CMD", "curl", "x"], Timeout: 90e9 },
    });
    expect(only("HEALTHCHECK none").args).toEqual({ health: { Test: ["NONE"] } });
    expectError("HEALTHCHECK NONE x", "Dockerfile:1: HEALTHCHECK NONE takes no arguments");
    expectError("HEALTHCHECK CMD", "Dockerfile:1: Missing command after HEALTHCHECK CMD");
    expectError("HEALTHCHECK RUN x", 'Dockerfile:1: Unknown type "RUN" in HEALTHCHECK (try CMD)');
    expectError("HEALTHCHECK --interval=0s CMD x", 'Dockerfile:1: Interval "interval" cannot be less than 1ms');
    expectError("HEALTHCHECK --retries=0 CMD x", "Dockerfile:1: --retries must be at least 1 (not 0)");
  });

  it("reads ONBUILD with its trigger", () => {
    const onbuild = only("ONBUILD RUN echo hi");
    expect(onbuild).toMatchObject({ keyword: "ONBUILD", args: { expression: "RUN echo hi", trigger: { keyword: "RUN" } } });
    expectError("ONBUILD ONBUILD RUN x", "Dockerfile:1: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expectError("ONBUILD from x", "Dockerfile:1: FROM isn't allowed as an ONBUILD trigger");
  });

  it("requires SHELL in JSON form", () => {
    expect(only('SHELL ["/bin/bash", "-c"]').args).toEqual({ argv: ["/bin/bash", "-c"] });
    expectError("SHELL /bin/bash -c", "Dockerfile:1: SHELL requires the arguments to be in JSON form");
    expectError("SHELL []", "Dockerfile:1: SHELL requires at least one argument");
  });
});

describe("parseDockerfile errors name the file and line", () => {
  it("reports unknown instructions where they start", () => {
    expectError("FROM x\n\nFOO bar", "Dockerfile:3: unknown instruction: FOO");
    expectError("FROM x\nfoo \\\n bar", "build/Dockerfile.dev:2: unknown instruction: FOO", "build/Dockerfile.dev");
  });

  it("rejects a file with no instructions", () => {
    expectError("# just a comment\n\n", "Dockerfile: file with no instructions");
    expectError("", "Dockerfile: file with no instructions");
  });
});
