import { join } from "node:path";
import { invalidArgument } from "@berth/core";
import type { RootPaths } from "../config/paths.js";

/**
 * Where one container's things live. Persistent, under the root (`containers/<id>/`): the init
 * layer, the overlay dirs, the files bound over /etc, the logs and the exit record. Runtime,
 * under `/run/berth/<hash>/c/<id>/` (gone after a reboot, as they should be): pid files, the
 * attach socket and the network namespace handle. The runtime dir name is short because a unix
 * socket path must fit in 107 bytes.
 */
export interface ContainerPaths {
  dir: string;
  /** The init layer: mountpoint stubs, the top lowerdir (never in diff, commit or export). */
  init: string;
  upper: string;
  work: string;
  merged: string;
  hostname: string;
  hosts: string;
  resolvConf: string;
  logDir: string;
  /** docker's json-file log; rotated ones are json.log.1, json.log.2. */
  logFile: string;
  /** The monitor's exit record (exit code, signal, time). */
  exitFile: string;
  runDir: string;
  pidFile: string;
  monitorPidFile: string;
  attachSocket: string;
  /** The pinned network namespace (an nsfs bind mount on this file). */
  netns: string;
  /**
   * Written by stop and kill, removed by the next start (docker's HasBeenManuallyStopped): no
   * restart policy applies to this run, and `system boot` leaves an unless-stopped container down.
   * In the container dir, so it outlives a host reboot.
   */
  stoppedMarker: string;
  /**
   * Present while a berth process that records the exit itself is around (an attached run,
   * stop, kill -s KILL, rm -f): the monitor's exit command then stands aside.
   */
  inlineExitMarker: string;
}

const CONTAINER_ID = /^[0-9a-f]{64}$/;

export function containersDir(paths: RootPaths): string {
  return join(paths.root, "containers");
}

export function containerPaths(paths: RootPaths, id: string): ContainerPaths {
  if (!CONTAINER_ID.test(id)) throw invalidArgument(`invalid container id ${JSON.stringify(id)}`);
  const dir = join(containersDir(paths), id);
  const runDir = join(paths.runDir, "c", id);
  return {
    dir,
    init: join(dir, "init"),
    upper: join(dir, "upper"),
    work: join(dir, "work"),
    merged: join(dir, "merged"),
    hostname: join(dir, "hostname"),
    hosts: join(dir, "hosts"),
    resolvConf: join(dir, "resolv.conf"),
    logDir: join(dir, "logs"),
    logFile: join(dir, "logs", "json.log"),
    exitFile: join(dir, "exit"),
    runDir,
    pidFile: join(runDir, "pid"),
    monitorPidFile: join(runDir, "monitor.pid"),
    attachSocket: join(runDir, "attach"),
    netns: join(runDir, "netns"),
    stoppedMarker: join(dir, "stopped"),
    inlineExitMarker: join(runDir, "inline-exit"),
  };
}

/** The lock every change of one container takes (start, stop, cleanup, remove…). */
export function containerLockName(id: string): string {
  return `container-${id}`;
}
