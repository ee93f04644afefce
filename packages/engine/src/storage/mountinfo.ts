import { readFile } from "node:fs/promises";

/** Decodes the octal escapes (`\040` for a space…) the kernel uses in /proc/self/mountinfo. */
function unescapeMountPath(field: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const octal = field[i] === "\\" ? /^[0-7]{3}/.exec(field.slice(i + 1, i + 4)) : null;
    if (octal) {
      bytes.push(Number.parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(field[i] ?? ""));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Mount points of this process's mount namespace (field 5 of mountinfo), in mount order. */
export async function listMountPoints(): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => unescapeMountPath(line.split(" ")[4] ?? ""));
}

/** Mount points at `path` or below it (`path` absolute, normalized). */
export async function mountPointsUnder(path: string): Promise<string[]> {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  return (await listMountPoints()).filter((mount) => mount === path || mount.startsWith(prefix));
}
