import { BerthError } from "@berth/core";
import { runTool } from "../host/run-tool.js";

// Thin wrappers over the Debian tools that do what Node cannot: coreutils `mknod`/`ln` for
// device nodes and fifos, and the attr package's setfattr/getfattr for xattrs. Each call is
// batched: one spawn for any number of nodes or files.

export type SpecialNodeOp =
  | { op: "node"; path: string; type: "char" | "block"; major: number; minor: number }
  | { op: "fifo"; path: string }
  | { op: "link"; target: string; path: string };

const NODE_SCRIPT = `
while [ "$#" -gt 0 ]; do
  case "$1" in
    c|b) mknod -- "$2" "$1" "$3" "$4" || exit 1; shift 4 ;;
    p) mknod -- "$2" p || exit 1; shift 2 ;;
    l) ln -- "$2" "$3" || exit 1; shift 3 ;;
    *) echo "bad op $1" >&2; exit 2 ;;
  esac
done`;

/** Keeps each spawn's argv well below ARG_MAX (usually 2 MiB). */
const MAX_ARGV_BYTES = 256 * 1024;

/** Creates device nodes, fifos and hard links to them, in order, with one `sh` per batch. */
export async function makeSpecialNodes(ops: readonly SpecialNodeOp[]): Promise<void> {
  let args: string[] = [];
  let bytes = 0;
  const flush = async () => {
    if (args.length === 0) return;
    const result = await runTool("sh", ["-c", NODE_SCRIPT, "sh", ...args], { env: { LC_ALL: "C" } });
    if (result.exitCode !== 0) {
      throw new BerthError("INTERNAL", `creating device nodes failed: ${result.stderr || result.message}`);
    }
    args = [];
    bytes = 0;
  };
  for (const op of ops) {
    const opArgs =
      op.op === "node"
        ? [op.type === "char" ? "c" : "b", op.path, String(op.major), String(op.minor)]
        : op.op === "fifo"
          ? ["p", op.path]
          : ["l", op.target, op.path];
    for (const arg of opArgs) bytes += Buffer.byteLength(arg) + 1;
    args.push(...opArgs);
    if (bytes >= MAX_ARGV_BYTES) await flush();
  }
  await flush();
}

/** Octal-escapes every byte outside a safe set, as getfattr quotes and setfattr unquotes. */
function quoteForAttr(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text)) {
    const safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x2f || byte === 0x2e || byte === 0x5f || byte === 0x2d;
    out += safe ? String.fromCharCode(byte) : `\\${byte.toString(8).padStart(3, "0")}`;
  }
  return out;
}

function unquoteAttr(text: string): string {
  const latin1 = text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
  return Buffer.from(latin1, "latin1").toString("utf8");
}

export interface XattrRecord {
  path: string;
  xattrs: ReadonlyMap<string, Uint8Array>;
}

/**
 * Sets many xattrs with one `setfattr -h --restore=-` (symlinks are never followed).
 * EPERM and ENOTSUP are tolerated as Docker does (e.g. user.* on a symlink); anything else fails.
 */
export async function restoreXattrs(records: readonly XattrRecord[]): Promise<void> {
  const lines: string[] = [];
  for (const { path, xattrs } of records) {
    if (xattrs.size === 0) continue;
    lines.push(`# file: ${quoteForAttr(path)}`);
    for (const [name, value] of xattrs) lines.push(`${quoteForAttr(name)}=0x${Buffer.from(value).toString("hex")}`);
    lines.push("");
  }
  if (lines.length === 0) return;
  const result = await runTool("setfattr", ["-h", "--restore=-"], { input: lines.join("\n"), env: { LC_ALL: "C" } });
  if (result.exitCode === 0) return;
  const fatal = result.stderr
    .split("\n")
    .filter((line) => line.length > 0 && !/: (Operation not permitted|Operation not supported)$/.test(line));
  if (fatal.length > 0 || result.stderr.length === 0) {
    throw new BerthError("INTERNAL", `setting xattrs failed: ${fatal.join("; ") || result.message}`);
  }
}

/** Every xattr under `dir` (symlinks not followed), from one `getfattr -R` pass. */
export async function dumpXattrs(dir: string): Promise<Map<string, Map<string, Buffer>>> {
  const result = await runTool("getfattr", ["-R", "-d", "-m", "-", "-h", "--absolute-names", "-e", "hex", "--", dir], { env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) {
    throw new BerthError("INTERNAL", `reading xattrs under ${dir} failed: ${result.stderr || result.message}`);
  }
  const byPath = new Map<string, Map<string, Buffer>>();
  let current: Map<string, Buffer> | undefined;
  for (const line of result.stdout.split("\n")) {
    if (line.startsWith("# file: ")) {
      current = new Map();
      byPath.set(unquoteAttr(line.slice("# file: ".length)), current);
      continue;
    }
    const equals = line.indexOf("=");
    if (current === undefined || equals <= 0) continue;
    const value = line.slice(equals + 1);
    if (!value.startsWith("0x")) throw new BerthError("INTERNAL", `unexpected getfattr output: ${line.slice(0, 80)}`);
    current.set(unquoteAttr(line.slice(0, equals)), Buffer.from(value.slice(2), "hex"));
  }
  return byPath;
}
