import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BerthError, errorCodes } from "@berth/core";
import { containerRunExitStatusByCode, exitStatusByCode, formatError, reportError } from "./exit-status.js";
import { UsageError } from "./usage-error.js";

function captureStream() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("exitStatusByCode", () => {
  it("maps every error code, to 1 like docker for now", () => {
    expect(Object.keys(exitStatusByCode).sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) expect(exitStatusByCode[code]).toBe(1);
  });
});

describe("containerRunExitStatusByCode", () => {
  it("gives docker's 125 for berth's own failures in run and create, 127/126 for a command that cannot run", () => {
    expect(Object.keys(containerRunExitStatusByCode).sort()).toEqual([...errorCodes].sort());
    const commandCodes: Record<string, number> = { COMMAND_NOT_FOUND: 127, COMMAND_NOT_EXECUTABLE: 126 };
    for (const code of errorCodes) expect(containerRunExitStatusByCode[code]).toBe(commandCodes[code] ?? 125);
  });

  it("is applied by reportError, to unexpected errors too", () => {
    const stderr = captureStream();
    expect(reportError(new BerthError("NOT_FOUND", "No such image: x"), stderr.stream, false, containerRunExitStatusByCode)).toBe(125);
    expect(reportError(new TypeError("boom"), stderr.stream, false, containerRunExitStatusByCode)).toBe(125);
    expect(reportError(new UsageError("unknown flag: --x"), stderr.stream, false, containerRunExitStatusByCode)).toBe(125);
    expect(stderr.text()).toBe("Error: No such image: x\nError: boom\nunknown flag: --x\n");
  });
});

describe("reportError", () => {
  it("prints a BerthError as `Error:` and its hint as `Hint:`", () => {
    const error = new BerthError("NOT_FOUND", "No such image: nope:latest", { hint: "Run 'berth images' to list images" });
    expect(formatError(error)).toBe("Error: No such image: nope:latest\nHint: Run 'berth images' to list images\n");
    const stderr = captureStream();
    expect(reportError(error, stderr.stream, false)).toBe(1);
    expect(stderr.text()).toBe(formatError(error));
  });

  it("omits the hint line when there is none", () => {
    expect(formatError(new BerthError("CONFLICT", "image is in use"))).toBe("Error: image is in use\n");
  });

  it("gives usage errors docker's 125", () => {
    const stderr = captureStream();
    expect(reportError(new UsageError("unknown flag: --x"), stderr.stream, false)).toBe(125);
    expect(stderr.text()).toBe("unknown flag: --x\n");
  });

  it("prints unexpected errors with their stack only when debugging", () => {
    const quiet = captureStream();
    expect(reportError(new TypeError("boom"), quiet.stream, false)).toBe(1);
    expect(quiet.text()).toBe("Error: boom\n");
    const debug = captureStream();
    reportError(new TypeError("boom"), debug.stream, true);
    expect(debug.text()).toMatch(/^Error: boom\nTypeError: boom\n\s+at /);
  });
});
