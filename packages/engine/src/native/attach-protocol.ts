import { BerthError } from "@berth/core";

/**
 * The monitor's attach socket: the client sends one line
 * `attach stdin=0|1 stdout=0|1 stderr=0|1 start=0|1\n` and the monitor answers `ok\n` once the client
 * is registered (or `error …\n` and closes); `start=1` then lets a `--wait-start` child exec. Then
 * both sides send frames with docker's stdcopy header: [type, 0, 0, 0, big-endian u32 length],
 * then the payload. Monitor → client: stdout, stderr, and exit (decimal exit code, then close).
 * Client → monitor: stdin data, resize ("rows cols"), close stdin (empty).
 */
export const FRAME = { stdin: 0, stdout: 1, stderr: 2, exit: 3, resize: 4, closeStdin: 5 } as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

/** Largest frame the monitor accepts from a client. */
export const MAX_CLIENT_FRAME = 1024 * 1024;
const HEADER = 8;

export interface AttachStreamsWanted {
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  /** Let a `monitor --wait-start` child run once this client is registered. */
  start?: boolean;
}

export function attachRequestLine(wanted: AttachStreamsWanted): string {
  const bit = (value: boolean | undefined) => (value ? 1 : 0);
  const start = wanted.start ? " start=1" : "";
  return `attach stdin=${bit(wanted.stdin)} stdout=${bit(wanted.stdout)} stderr=${bit(wanted.stderr)}${start}\n`;
}

export function encodeFrame(type: FrameType, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(HEADER);
  header[0] = type;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Splits a byte stream into frames, whatever the chunk boundaries. */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Frame[] = [];
    while (this.buffered.length >= HEADER) {
      const type = this.buffered[0] as number;
      if (type > FRAME.closeStdin) throw new BerthError("DATA_CORRUPTED", `attach: unknown frame type ${type}`);
      const length = this.buffered.readUInt32BE(4);
      if (this.buffered.length < HEADER + length) break;
      frames.push({ type: type as FrameType, payload: this.buffered.subarray(HEADER, HEADER + length) });
      this.buffered = this.buffered.subarray(HEADER + length);
    }
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get pending(): number {
    return this.buffered.length;
  }
}
