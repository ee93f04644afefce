// Writes the build context of save-load.sh's test image: SMALL_LAYERS directories of many
// small-to-medium files and one directory of a few big files, all random (incompressible)
// bytes, plus the Dockerfile that COPYs each directory as its own layer.
//
//   node make-context.mjs DIR [TOTAL_MB]
//
// File counts and sizes come from a seeded generator, so every run builds the same shape;
// the bytes themselves are fresh random data. Prints a one-line summary as JSON.
import { randomFillSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, totalArg = "300"] = process.argv.slice(2);
if (!dir) throw new Error("usage: node make-context.mjs DIR [TOTAL_MB]");

const MB = 1_000_000;
const totalBytes = Number(totalArg) * MB;
const SMALL_LAYERS = 4;
const BIG_FILES = 4;
const bigShare = 1 / 3; // a third of the bytes in the big-file layer
const smallMin = 1_024;
const smallMax = 40 * 1_024;
const filesPerDir = 100;

// mulberry32: a tiny seeded PRNG for the shape of the tree
let seed = 0x6265727468; // "berth"
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const buffer = Buffer.alloc(8 * MB);
function writeRandomFile(path, size) {
  randomFillSync(buffer, 0, size);
  writeFileSync(path, buffer.subarray(0, size));
}

let files = 0;
let bytes = 0;
const steps = [];
const smallBudget = Math.floor((totalBytes * (1 - bigShare)) / SMALL_LAYERS);
for (let layer = 1; layer <= SMALL_LAYERS; layer++) {
  const name = `l${layer}`;
  let written = 0;
  for (let n = 0; written < smallBudget; n++) {
    const sub = join(dir, name, `d${String(Math.floor(n / filesPerDir)).padStart(3, "0")}`);
    if (n % filesPerDir === 0) mkdirSync(sub, { recursive: true });
    const size = Math.min(smallBudget - written, smallMin + Math.floor(random() * (smallMax - smallMin)));
    writeRandomFile(join(sub, `f${n}.bin`), size);
    written += size;
    files++;
  }
  bytes += written;
  steps.push(`COPY ${name} /data/${name}`);
}

mkdirSync(join(dir, "big"), { recursive: true });
const bigSize = Math.floor((totalBytes * bigShare) / BIG_FILES);
for (let n = 0; n < BIG_FILES; n++) {
  const path = join(dir, "big", `blob${n}.bin`);
  // write big files in 8 MB pieces
  for (let offset = 0; offset < bigSize; offset += buffer.length) {
    const size = Math.min(buffer.length, bigSize - offset);
    randomFillSync(buffer, 0, size);
    writeFileSync(path, buffer.subarray(0, size), { flag: offset === 0 ? "w" : "a" });
  }
  files++;
  bytes += bigSize;
}
steps.push("COPY big /data/big");

writeFileSync(join(dir, "Dockerfile"), ["FROM busybox:latest", ...steps, 'CMD ["sh"]', ""].join("\n"));
console.log(JSON.stringify({ layers: steps.length, files, bytes }));
