import { createConnection, type Socket } from "node:net";
import { BerthError } from "@berth/core";
import { attachRequestLine, encodeFrame, FRAME, FrameDecoder, type AttachStreamsWanted } from "./attach-protocol.js";

export interface AttachRequest extends AttachStreamsWanted {
  /** Called for each chunk of output, in order. */
  onOutput?: (stream: "stdout" | "stderr", data: Buffer) => void;
  /** The pty's size, sent right behind the request so a `--tty` process starts with it. */
  size?: { rows: number; cols: number };
}

export interface AttachSession {
  writeStdin(data: Buffer | string): void;
  resize(rows: number, cols: number): void;
  /** Closes the process's stdin (ignored by the monitor with --tty). */
  closeStdin(): void;
  /** The exit code from the exit frame; undefined when the connection ended without one. */
  readonly exited: Promise<number | undefined>;
  /** Detaches: the container keeps running. */
  close(): void;
}

/** Connects to a monitor's attach socket; resolves once the monitor has registered the client. */
export function connectAttach(socketPath: string, request: AttachRequest): Promise<AttachSession> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(socketPath);
    const decoder = new FrameDecoder();
    let handshake: Buffer = Buffer.alloc(0);
    let registered = false;
    let exitCode: number | undefined;
    let settleExit: (code: number | undefined) => void = () => {};
    const exited = new Promise<number | undefined>((done) => (settleExit = done));

    const session: AttachSession = {
      writeStdin: (data) => void socket.write(encodeFrame(FRAME.stdin, data)),
      resize: (rows, cols) => void socket.write(encodeFrame(FRAME.resize, `${rows} ${cols}`)),
      closeStdin: () => void socket.write(encodeFrame(FRAME.closeStdin)),
      exited,
      close: () => socket.destroy(),
    };

    const onFrames = (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (frame.type === FRAME.stdout) request.onOutput?.("stdout", frame.payload);
        else if (frame.type === FRAME.stderr) request.onOutput?.("stderr", frame.payload);
        else if (frame.type === FRAME.exit) exitCode = Number(frame.payload.toString());
      }
    };

    socket.on("connect", () => {
      socket.write(attachRequestLine(request));
      if (request.size) session.resize(request.size.rows, request.size.cols);
    });
    socket.on("data", (chunk: Buffer) => {
      if (registered) return onFrames(chunk);
      handshake = Buffer.concat([handshake, chunk]);
      const newline = handshake.indexOf(0x0a);
      if (newline < 0) return;
      const answer = handshake.subarray(0, newline).toString();
      if (answer !== "ok") {
        socket.destroy();
        return reject(new BerthError("UNAVAILABLE", `attach refused: ${answer}`));
      }
      registered = true;
      resolve(session);
      onFrames(handshake.subarray(newline + 1));
    });
    socket.on("error", (error) => {
      if (!registered) reject(new BerthError("UNAVAILABLE", `cannot attach to ${socketPath}: ${error.message}`, { cause: error }));
    });
    socket.on("close", () => {
      if (!registered) reject(new BerthError("UNAVAILABLE", `attach socket ${socketPath} closed during the handshake`));
      settleExit(exitCode);
    });
  });
}
