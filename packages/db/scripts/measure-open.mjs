// Usage: node scripts/measure-open.mjs   (after `pnpm build`)
// Times openDatabase + one findMany on a current SQLite database: in fresh processes (what a
// CLI command pays) and again within one process (what a long-lived console pays per open).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const index = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "src", "index.js");
const root = mkdtempSync(join(tmpdir(), "berth-measure-"));
const options = JSON.stringify({ url: `file:${join(root, "berth.db")}`, lockDir: root });
const probe = (opens) => `
  const t0 = performance.now();
  const { openDatabase } = await import(${JSON.stringify(index)});
  const times = [];
  for (let i = 0; i < ${opens}; i++) {
    const t1 = performance.now();
    const database = await openDatabase(${options});
    const t2 = performance.now();
    await database.client.image.findMany();
    const t3 = performance.now();
    await database.close();
    times.push({ open: t2 - t1, findMany: t3 - t2 });
  }
  console.log(JSON.stringify({ times, totalMs: performance.now() - t0 }));`;
const run = (opens) => JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", probe(opens)], { encoding: "utf8" }));
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
try {
  run(1); // creates and migrates the database
  const cold = Array.from({ length: 7 }, () => run(1).times[0]);
  const warm = run(21).times.slice(1);
  const ms = (value) => `${value.toFixed(1)} ms`;
  console.log(`fresh process: openDatabase ${ms(median(cold.map((t) => t.open)))}, first findMany ${ms(median(cold.map((t) => t.findMany)))} (median of 7)`);
  console.log(`same process:  openDatabase ${ms(median(warm.map((t) => t.open)))}, findMany ${ms(median(warm.map((t) => t.findMany)))} (median of 20)`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
