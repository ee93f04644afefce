import { BerthError, invalidArgument } from "@berth/core";
import { runTool } from "../host/run-tool.js";
import { listMountPoints } from "../storage/mountinfo.js";

// The local driver's options (`volume create -o type=tmpfs -o device=tmpfs -o o=size=64m`):
// docker's keys and their pairing rules, the mount made on the volume's data dir when a container
// first needs it (it stays until the volume is removed).

const VALID_KEYS = ["type", "device", "o"];
const NEEDS: Readonly<Record<string, readonly string[]>> = { type: ["device"], device: ["type"], o: ["device"] };

/** docker's local driver checks; `create NAME: invalid option: "x"` and friends. */
export function checkVolumeOptions(name: string, options: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(options)) {
    if (key === "size") throw invalidArgument(`create ${name}: quota size requested but no quota support`);
    if (!VALID_KEYS.includes(key)) throw invalidArgument(`create ${name}: invalid option: ${JSON.stringify(key)}`);
  }
  for (const [key, needed] of Object.entries(NEEDS)) {
    if (!(key in options)) continue;
    for (const other of needed) if (!(other in options)) throw invalidArgument(`create ${name}: missing required option: ${JSON.stringify(other)}`);
  }
}

/** Mounts the volume's device on its data dir unless it is mounted already (a volume without options needs nothing). */
export async function mountVolumeDevice(dataDir: string, options: Readonly<Record<string, string>>): Promise<void> {
  const { type, device, o } = options;
  if (type === undefined || device === undefined) return;
  if ((await listMountPoints()).includes(dataDir)) return;
  const result = await runTool("mount", ["-t", type, ...(o === undefined ? [] : ["-o", o]), device, dataDir], { env: { LC_ALL: "C" } });
  if (result.exitCode !== 0) {
    throw new BerthError("INVALID_ARGUMENT", `error while mounting volume '${dataDir}': failed to mount local volume: mount ${device}:${dataDir}${o === undefined ? "" : `, data: ${o}`}: ${result.stderr.trim() || result.message}`);
  }
}
