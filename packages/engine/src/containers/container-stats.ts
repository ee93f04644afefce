import { readFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cpuPercent, memoryPercent, parseNetDev, parseSystemCpuNs,
  type ContainerStatsEntry, type ContainerStatsOptions, type StatsSample,
} from "@berth/core";
import { readCgroupStats, type CgroupStats } from "../cgroups/cgroup-stats.js";
import type { EngineContext } from "../engine-context.js";
import { reconcileContainer } from "./container-cleanup.js";
import { containerGroup } from "./container-resources.js";
import type { ContainerRuntime } from "./container-runtime.js";
import { findContainer, noSuchContainer } from "./container-store.js";
import { listContainers } from "./list-containers.js";

// docker stats: per container, the cgroup's counters (cgroup-stats.ts, v1 or v2), the network
// counters of its namespace, and the host's CPU time, sampled `intervalMs` apart so CPU % has
// two readings, as docker's daemon sends `precpu_stats` beside `cpu_stats`.

interface Target {
  id: string;
  name: string;
  isRunning: boolean;
  pid: number;
}

interface Reading {
  target: Target;
  sample: StatsSample;
  cgroup: CgroupStats | undefined;
  net: { rx: number; tx: number };
}

const DEFAULT_INTERVAL_MS = 1000;

async function resolveTargets(ctx: EngineContext, runtime: ContainerRuntime, options: ContainerStatsOptions): Promise<Target[]> {
  const names = options.containers ?? [];
  if (names.length === 0) {
    const summaries = await listContainers(ctx, runtime, { all: options.all === true });
    return Promise.all(summaries.map(async (summary) => {
      const record = await findContainer(ctx, summary.id);
      const isRunning = summary.state === "running" || summary.state === "paused";
      return { id: summary.id, name: summary.name, isRunning, pid: record.row.pid };
    }));
  }
  return Promise.all(names.map(async (name) => {
    const record = await reconcileContainer(ctx, runtime, await findContainer(ctx, name));
    if (record === undefined) throw noSuchContainer(name);
    const isRunning = record.state === "running" || record.state === "paused";
    return { id: record.row.id, name: record.row.name, isRunning, pid: record.row.pid };
  }));
}

async function read(ctx: EngineContext, runtime: ContainerRuntime, target: Target, systemNs: number): Promise<Reading> {
  if (!target.isRunning) return { target, sample: { cpuNs: 0, systemNs }, cgroup: undefined, net: { rx: 0, tx: 0 } };
  const { group } = await containerGroup(ctx, runtime, target.id);
  const [cgroup, netDev] = await Promise.all([
    readCgroupStats(runtime.cgroupHost, group),
    readFile(`/proc/${target.pid}/net/dev`, "utf8").catch(() => ""),
  ]);
  return { target, sample: { cpuNs: cgroup.cpuUsageNs, systemNs }, cgroup, net: parseNetDev(netDev) };
}

async function readAll(ctx: EngineContext, runtime: ContainerRuntime, targets: readonly Target[]): Promise<Reading[]> {
  const systemNs = parseSystemCpuNs(await readFile("/proc/stat", "utf8"));
  return Promise.all(targets.map((target) => read(ctx, runtime, target, systemNs)));
}

function toEntry(reading: Reading, previous: Reading | undefined, onlineCpus: number, hostMemory: number): ContainerStatsEntry {
  const { target, cgroup } = reading;
  // Without a limit (or one beyond the host's memory) docker shows the host's memory.
  const limit = cgroup === undefined ? 0 : Math.min(cgroup.memoryLimit ?? hostMemory, hostMemory);
  const usage = cgroup?.memoryUsage ?? 0;
  return {
    id: target.id,
    name: target.name,
    isRunning: cgroup !== undefined,
    cpuPercent: previous?.cgroup === undefined || cgroup === undefined ? 0 : cpuPercent(previous.sample, reading.sample, onlineCpus),
    memoryUsage: usage,
    memoryLimit: limit,
    memoryPercent: memoryPercent(usage, limit),
    netRx: reading.net.rx,
    netTx: reading.net.tx,
    blockRead: cgroup?.blockRead ?? 0,
    blockWrite: cgroup?.blockWrite ?? 0,
    pids: cgroup?.pids ?? 0,
  };
}

/**
 * One set of entries per tick: the first after two samples `intervalMs` apart, then (with
 * `stream`) one more per interval until `signal` aborts. The containers are looked up again each
 * tick (NOT_FOUND for an unknown name), so a stopped one reads as zeros and, without names, a new
 * one joins the set.
 */
export async function* containerStats(ctx: EngineContext, runtime: ContainerRuntime, options: ContainerStatsOptions): AsyncIterable<ContainerStatsEntry[]> {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const onlineCpus = cpus().length;
  const hostMemory = totalmem();
  let previous = new Map<string, Reading>();
  let targets = await resolveTargets(ctx, runtime, options);
  for (const reading of await readAll(ctx, runtime, targets)) previous.set(reading.target.id, reading);
  do {
    try {
      await sleep(intervalMs, undefined, options.signal ? { signal: options.signal } : {});
    } catch {
      return; // aborted
    }
    targets = await resolveTargets(ctx, runtime, options);
    const readings = await readAll(ctx, runtime, targets);
    yield readings.map((reading) => toEntry(reading, previous.get(reading.target.id), onlineCpus, hostMemory));
    previous = new Map(readings.map((reading) => [reading.target.id, reading]));
  } while (options.stream === true && options.signal?.aborted !== true);
}
