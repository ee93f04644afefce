// A berth process in miniature, for crash and concurrency tests (started by engine-child.ts):
//   node engine-child.mjs <engine dist URL> <root> <job JSON>
// Opens the built engine on <root>, prints {"event":"ready"}, runs the job, prints
// {"event":"done",...} and exits 0; any error a berth command would not report cleanly
// (anything but a BerthError NOT_FOUND/CONFLICT in a worker) exits 1 with the stack on stderr.
const [engineUrl, root, jobJson] = process.argv.slice(2);
const job = JSON.parse(jobJson);
const { createEngine } = await import(engineUrl);

const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const engine = await createEngine({
  root,
  skipBaseImage: true,
  systemConfigPath: "/nonexistent",
  env: {},
  actor: `test:child-${process.pid}`,
  ...(job.databaseUrl ? { databaseUrl: job.databaseUrl } : {}),
});
say({ event: "ready", pid: process.pid });
try {
  if (job.kind === "load") {
    say({ event: "done", result: await engine.images.load({ kind: "file", path: job.path }) });
  } else if (job.kind === "import") {
    say({ event: "done", id: await engine.images.import({ kind: "file", path: job.path }, { reference: job.reference }) });
  } else if (job.kind === "build") {
    const onOutput = (text) => say({ event: "output", text });
    say({ event: "done", result: await engine.builds.build({ context: { kind: "dir", path: job.path }, onOutput }) });
  } else if (job.kind === "worker") {
    say({ event: "done", summary: await runWorker(job) });
  } else if (job.kind === "churn") {
    say({ event: "done", summary: await runChurn(job) });
  } else {
    throw new Error(`unknown job ${job.kind}`);
  }
} finally {
  await engine.close();
}

/** Loads an archive and removes its image again, `rounds` times, counting clean refusals. */
async function runChurn({ path, reference, rounds }) {
  const outcome = { loaded: 0, removed: 0, refused: 0 };
  const unexpected = [];
  for (let round = 0; round < rounds; round++) {
    for (const [what, action] of [
      ["load", () => engine.images.load({ kind: "file", path }).then(() => outcome.loaded++)],
      ["rmi", () => engine.images.remove(reference).then(() => outcome.removed++)],
    ]) {
      try {
        await action();
      } catch (error) {
        if (error?.name === "BerthError" && (error.code === "NOT_FOUND" || error.code === "CONFLICT")) outcome.refused++;
        else unexpected.push(`${what}: ${error?.code ?? ""} ${error?.stack ?? error}`);
      }
    }
  }
  if (unexpected.length > 0) {
    process.stderr.write(`${unexpected.join("\n")}\n`);
    process.exitCode = 1;
  }
  return outcome;
}

/**
 * Imports, tags, moves a tag every worker fights over, removes its own and others' names, lists,
 * inspects and (worker 0) prunes. A refusal a user could get (NOT_FOUND, CONFLICT) is counted;
 * anything else is a failure.
 */
async function runWorker({ id, rounds, tars, sharedTar, workers }) {
  const images = engine.images;
  const outcome = { ok: 0, refused: 0, imported: [] };
  const unexpected = [];
  const attempt = async (what, action) => {
    try {
      const value = await action();
      outcome.ok++;
      return value;
    } catch (error) {
      if (error?.name === "BerthError" && (error.code === "NOT_FOUND" || error.code === "CONFLICT")) outcome.refused++;
      else unexpected.push(`${what}: ${error?.code ?? ""} ${error?.stack ?? error}`);
      return undefined;
    }
  };
  const mine = (round) => `localhost/w${id}:${round}`;
  for (let round = 0; round < rounds; round++) {
    const imported = await attempt("import", () => images.import({ kind: "file", path: tars[round] }, { reference: mine(round) }));
    if (imported) outcome.imported.push(imported);
    if (round % 3 === 0) await attempt("import shared", () => images.import({ kind: "file", path: sharedTar }, { reference: `localhost/shared-layer:w${id}` }));
    await attempt("tag contended", () => images.tag(mine(round), "localhost/contended:latest"));
    await attempt("tag alias", () => images.tag(mine(round), `localhost/w${id}:alias`));
    await attempt("list", () => images.list({ all: true }));
    await attempt("inspect contended", () => images.inspect("localhost/contended:latest"));
    await attempt("history contended", () => images.history("localhost/contended:latest"));
    await attempt("rmi alias", () => images.remove(`localhost/w${id}:alias`));
    if (round % 2 === 1) await attempt("rmi previous", () => images.remove(mine(round - 1)));
    if (round % 3 === 2) await attempt("rmi contended", () => images.remove("localhost/contended:latest"));
    if (round % 2 === 0) await attempt("rmi other's", () => images.remove(`localhost/w${(id + 1) % workers}:${round}`));
    if (id === 0 && round % 2 === 0) await attempt("prune", () => images.prune());
    await attempt("df", () => engine.system.diskUsage());
  }
  if (unexpected.length > 0) {
    process.stderr.write(`${unexpected.join("\n")}\n`);
    process.exitCode = 1;
  }
  return outcome;
}
