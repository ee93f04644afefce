import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { createCommandContext, type ProcessLike } from "./context.js";
import { createCapturedProcess } from "./test-support/captured-process.js";

const noEngine = () => Promise.reject(new Error("the engine must not be opened"));

describe("createCommandContext's terminal", () => {
  it("sets raw mode on a tty stdin and restores it", () => {
    const { proc } = createCapturedProcess();
    const modes: boolean[] = [];
    Object.assign(proc.stdin, { isTTY: true, setRawMode: (mode: boolean) => modes.push(mode) });
    const restore = createCommandContext(proc, noEngine).enterRawMode();
    expect(modes).toEqual([true]);
    restore();
    expect(modes).toEqual([true, false]);
  });

  it("leaves a pipe alone", () => {
    const { proc } = createCapturedProcess();
    expect(() => createCommandContext(proc, noEngine).enterRawMode()()).not.toThrow();
  });

  it("gives the size, then yields each resize until aborted", async () => {
    const { proc } = createCapturedProcess();
    Object.assign(proc.stdout, { isTTY: true, rows: 24, columns: 80 });
    const ctx = createCommandContext(proc, noEngine);
    expect(ctx.terminalSize()).toEqual({ rows: 24, cols: 80 });
    const done = new AbortController();
    const sizes = ctx.terminalSizes(done.signal)[Symbol.asyncIterator]();
    const next = sizes.next();
    Object.assign(proc.stdout, { rows: 50, columns: 132 });
    setImmediate(() => proc.stdout.emit("resize"));
    expect((await next).value).toEqual({ rows: 50, cols: 132 });
    const last = sizes.next();
    done.abort();
    expect(await last).toEqual({ done: true, value: undefined });
  });

  it("has no size and yields nothing when stdout is not a terminal", async () => {
    const { proc } = createCapturedProcess();
    expect(createCommandContext(proc, noEngine).terminalSize()).toBeUndefined();
    const sizes: unknown[] = [];
    for await (const size of createCommandContext(proc, noEngine).terminalSizes(new AbortController().signal)) sizes.push(size);
    expect(sizes).toEqual([]);
  });
});

describe("createCommandContext's signal proxy", () => {
  it("passes signals to the listener until unsubscribed", () => {
    const emitter = new EventEmitter();
    const { proc } = createCapturedProcess();
    const signalling: ProcessLike = { ...proc, on: (event, listener) => emitter.on(event, listener), off: (event, listener) => emitter.off(event, listener) };
    const received: string[] = [];
    const stop = createCommandContext(signalling, noEngine).onSignals((signal) => received.push(signal));
    emitter.emit("SIGINT");
    emitter.emit("SIGTERM");
    stop();
    emitter.emit("SIGINT");
    expect(received).toEqual(["SIGINT", "SIGTERM"]);
    expect(emitter.listenerCount("SIGINT")).toBe(0);
  });
});
