import { invalidArgument } from "@berth/core";

/** docker's default detach sequence: Ctrl-P then Ctrl-Q. */
export const defaultDetachKeys = "ctrl-p,ctrl-q";

const controlKeys = "@abcdefghijklmnopqrstuvwxyz[\\]^_";

/**
 * docker's `--detach-keys` format: comma-separated keys, each a single character or `ctrl-X` with
 * X one of a-z, @, [, \, ], ^, _ (`ctrl-p,ctrl-q`, `ctrl-a,x`).
 */
export function parseDetachKeys(text: string): Uint8Array {
  const bytes = text.split(",").map((key) => {
    if (key.length === 1 && key.charCodeAt(0) < 128) return key.charCodeAt(0);
    const control = /^ctrl-(.)$/.exec(key);
    const index = control === null ? -1 : controlKeys.indexOf(control[1]!.toLowerCase());
    if (index < 0) throw invalidArgument(`invalid detach keys (${text}): unknown key ${JSON.stringify(key)}`);
    return index;
  });
  return Uint8Array.from(bytes);
}

/**
 * The local stdin as the container gets it: bytes pass through until the detach sequence is typed,
 * which is swallowed and ends the stream after calling `onDetach`. A partial sequence is held back
 * until the next byte shows whether it was one (then it is dropped) or not (then it is sent), and
 * is sent when the input ends.
 */
export async function* relayUntilDetach(
  input: AsyncIterable<Uint8Array>,
  keys: Uint8Array,
  onDetach: () => void,
): AsyncIterable<Uint8Array> {
  let matched = 0;
  for await (const chunk of input) {
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === keys[matched]) {
        matched++;
        if (matched < keys.length) continue;
        if (out.length > 0) yield Uint8Array.from(out);
        onDetach();
        return;
      }
      out.push(...keys.subarray(0, matched));
      matched = byte === keys[0] ? 1 : 0;
      if (matched === 0) out.push(byte);
    }
    if (out.length > 0) yield Uint8Array.from(out);
  }
  if (matched > 0) yield keys.slice(0, matched);
}
