import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { parseRunFlags } from "./run-flags.js";

const env = { HOME: "/root" };

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!isBerthError(error, "INVALID_ARGUMENT")) throw error;
    return error.message;
  }
  throw new Error("expected an error");
}

describe("parseRunFlags", () => {
  it("gives docker's defaults for no flags", () => {
    expect(parseRunFlags({}, env)).toEqual({
      resources: {}, restartPolicy: { Name: "no", MaximumRetryCount: 0 }, stopSignal: undefined, stopTimeout: undefined,
      user: undefined, workingDir: undefined, env: [], labels: {}, capAdd: [], capDrop: [], tmpfs: [], mounts: [],
      autoRemove: false, privileged: false, readOnlyRootfs: false,
    });
  });

  it("parses every value flag", () => {
    const flags = parseRunFlags({
      memory: "512m", memorySwap: "-1", shmSize: "128m", cpus: "1.5", cpuShares: "512", pidsLimit: "100", oomScoreAdj: "-10",
      restart: "on-failure:3", stopSignal: "SIGQUIT", stopTimeout: "30", user: "1000:1000", workdir: "/app",
      env: ["A=1", "HOME"], envFile: ["B=2\n"], label: ["tier=web"], labelFile: ["team=core\n"],
      capAdd: ["NET_ADMIN"], capDrop: ["MKNOD"], tmpfs: ["/run:size=1m"], volume: ["data:/data", "/host:/srv:ro"],
      mount: ["type=tmpfs,dst=/cache"], rm: false, privileged: false, readOnly: true,
    }, env);
    expect(flags.resources).toEqual({
      memory: 536870912, memorySwap: -1, nanoCpus: 1500000000, cpuShares: 512, pidsLimit: 100, oomScoreAdj: -10, shmSize: 134217728,
    });
    expect(flags).toMatchObject({
      restartPolicy: { Name: "on-failure", MaximumRetryCount: 3 }, stopSignal: "SIGQUIT", stopTimeout: 30, user: "1000:1000",
      workingDir: "/app", env: ["B=2", "A=1", "HOME=/root"], labels: { team: "core", tier: "web" }, readOnlyRootfs: true,
      tmpfs: [{ target: "/run", data: "size=1m" }],
    });
    expect(flags.mounts.map((m) => `${m.type} ${m.source} ${m.target} ${m.readOnly}`)).toEqual([
      "volume data /data false", "bind /host /srv true", "tmpfs  /cache false",
    ]);
  });

  it.each([
    [{ memory: "10zz" }, `invalid argument "10zz" for "-m, --memory" flag: invalid size: '10zz'`],
    [{ memorySwap: "lots" }, `invalid argument "lots" for "--memory-swap" flag: invalid size: 'lots'`],
    [{ cpus: "NaN" }, `invalid argument "NaN" for "--cpus" flag: failed to parse NaN as a rational number`],
    [{ stopSignal: "SIGNOPE" }, "Invalid signal: SIGNOPE"],
    [{ restart: "sometimes" }, "invalid restart policy 'sometimes'"],
    [{ volume: ["/ctr:ro"] }, "invalid volume specification: '/ctr:ro'"],
    [{ mount: ["type=bind"] }, `invalid argument "type=bind" for "--mount" flag: target is required`],
    [{ tmpfs: ["run"] }, "invalid mount path: 'run' mount path must be absolute"],
    [{ capAdd: ["FOO"] }, 'invalid CapAdd: unknown capability: "CAP_FOO"'],
    [{ env: ["=x"] }, 'invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x'],
    [{ rm: true, restart: "always" }, "Conflicting options: --restart and --rm"],
  ])("rejects %o", (raw, message) => {
    expect(errorOf(() => parseRunFlags(raw, env))).toBe(message);
  });

  it("accepts --rm with --restart no", () => {
    expect(parseRunFlags({ rm: true, restart: "no" }, env).autoRemove).toBe(true);
  });

  it("rejects values of the wrong type", () => {
    expect(errorOf(() => parseRunFlags({ memory: 5 } as never, env))).toMatch(/^invalid run options: memory: /);
  });
});
