// The monitors' exit command in engine tests, standing in for `berth container cleanup <id>`:
//   node cleanup-command.mjs container cleanup <id>
// It opens the *built* engine (dist/) on $BERTH_ROOT, as the CLI would, and runs the service's
// cleanup. The engine passes BERTH_ROOT (and BERTH_CLI, this file) in the monitor's environment.
const [noun, verb, id] = process.argv.slice(2);
if (noun !== "container" || verb !== "cleanup" || !id) {
  process.stderr.write(`usage: cleanup-command.mjs container cleanup <id>\n`);
  process.exit(2);
}
const { createEngine } = await import(new URL("../../dist/index.js", import.meta.url).href);
const engine = await createEngine({
  root: process.env.BERTH_ROOT,
  env: process.env,
  systemConfigPath: "/nonexistent",
  skipBaseImage: true,
  actor: "monitor",
});
try {
  await engine.containers.cleanup(id);
} finally {
  await engine.close();
}
