import { conflict } from "../errors.js";
import { formatHumanDuration } from "../render/time.js";

/** docker's `State.Status` values. */
export const CONTAINER_STATES = ["created", "running", "paused", "restarting", "removing", "exited", "dead"] as const;
export type ContainerState = (typeof CONTAINER_STATES)[number];

/** A new container starts here (`create`). */
export const INITIAL_CONTAINER_STATE: ContainerState = "created";

/**
 * What can happen to a container. Verbs a user types (`start`, `stop`, `kill`, `pause`, `unpause`,
 * `restart`, `remove`, `forceRemove`), checks that change nothing (`exec`, `attach`, `top`), and
 * what the monitor reports: `die` (the process ended), `scheduleRestart` (it ended and the restart
 * policy will start it again), `restarted`, and `markDead` (a removal failed half-way).
 */
export const CONTAINER_ACTIONS = [
  "start", "stop", "kill", "pause", "unpause", "restart", "remove", "forceRemove",
  "exec", "attach", "top", "die", "scheduleRestart", "restarted", "markDead",
] as const;
export type ContainerAction = (typeof CONTAINER_ACTIONS)[number];

/** `move`: perform the action, the container ends in `to`. `noop`: docker answers "not modified". */
export type TransitionResult = { kind: "move"; to: ContainerState } | { kind: "noop"; reason: string };

type Allowed = ContainerState | { noop: string };
const already = (reason: string) => ({ noop: reason });

/** The lifecycle: for each action, the states it is allowed from and where it leads. */
export const CONTAINER_TRANSITIONS: Readonly<Record<ContainerAction, Partial<Record<ContainerState, Allowed>>>> = {
  start: { created: "running", exited: "running", running: already("container is already running"), restarting: already("container is already running") },
  stop: {
    running: "exited", paused: "exited", restarting: "exited",
    created: already("container is already stopped"), exited: already("container is already stopped"),
  },
  kill: { running: "exited", paused: "exited", restarting: "exited" },
  pause: { running: "paused" },
  unpause: { paused: "running" },
  restart: { created: "running", running: "running", paused: "running", restarting: "running", exited: "running" },
  remove: { created: "removing", exited: "removing", dead: "removing" },
  forceRemove: { created: "removing", running: "removing", paused: "removing", restarting: "removing", exited: "removing", dead: "removing" },
  exec: { running: "running" },
  attach: { running: "running" },
  top: { running: "running", paused: "paused" },
  die: { running: "exited", paused: "exited", restarting: "exited" },
  scheduleRestart: { running: "restarting", paused: "restarting" },
  restarted: { restarting: "running" },
  markDead: { removing: "dead" },
};

/** Who the error is about: docker names the full ID in most messages and `/name` in rm's. */
export interface ContainerIdentity {
  id: string;
  name: string;
}

const notRunning = (c: ContainerIdentity) => `Container ${c.id} is not running`;
const restartingWait = (c: ContainerIdentity) => `Container ${c.id} is restarting, wait until the container is running`;
const markedForRemoval = "container is marked for removal and cannot be started";

/** Docker's refusal for an action in a state the table does not allow. */
function refusal(action: ContainerAction, from: ContainerState, c: ContainerIdentity): string {
  const slashName = c.name.startsWith("/") ? c.name : `/${c.name}`;
  switch (action) {
    case "start":
    case "restarted":
      return from === "paused" ? "cannot start a paused container, try unpause instead" : markedForRemoval;
    case "restart":
      return `Cannot restart container ${c.name.replace(/^\//, "")}: ${markedForRemoval}`;
    case "pause":
      if (from === "paused") return `Container ${c.id} is already paused`;
      return from === "restarting" ? restartingWait(c) : notRunning(c);
    case "unpause":
      return `Container ${c.id} is not paused`;
    case "remove":
    case "forceRemove":
      if (from === "removing") return `removal of container ${c.name.replace(/^\//, "")} is already in progress`;
      if (from === "paused") return `cannot remove container "${slashName}": container is paused and must be unpaused first`;
      return `cannot remove container "${slashName}": container is ${from}: stop the container before removing or force remove`;
    case "exec":
      if (from === "paused") return `Container ${c.id} is paused, unpause the container before exec`;
      return from === "restarting" ? restartingWait(c) : notRunning(c);
    case "attach":
      if (from === "paused") return "You cannot attach to a paused container, unpause it first";
      if (from === "restarting") return "You cannot attach to a restarting container, wait until it is running";
      return "You cannot attach to a stopped container, start it first";
    case "top":
      return from === "restarting" ? restartingWait(c) : notRunning(c);
    case "markDead":
      return `Container ${c.id} is not being removed`;
    default:
      return notRunning(c);
  }
}

/** The table's answer, or undefined when the action is illegal in `from`. */
export function nextContainerState(from: ContainerState, action: ContainerAction): TransitionResult | undefined {
  const allowed = CONTAINER_TRANSITIONS[action][from];
  if (allowed === undefined) return undefined;
  return typeof allowed === "string" ? { kind: "move", to: allowed } : { kind: "noop", reason: allowed.noop };
}

/**
 * Checks an action against the lifecycle table. Throws CONFLICT with docker's wording
 * (`Container <id> is not running`, `cannot start a paused container, try unpause instead`,
 * `cannot remove container "/web": container is running: stop the container before removing or
 * force remove`…); otherwise returns where the container ends up, or a noop (`stop` of a stopped
 * container, `start` of a running one: docker's 304, the CLI still succeeds).
 */
export function assertTransition(from: ContainerState, action: ContainerAction, container: ContainerIdentity): TransitionResult {
  const result = nextContainerState(from, action);
  if (result === undefined) throw conflict(refusal(action, from, container));
  return result;
}

/** docker's `State` flags for a status: paused and restarting containers count as running. */
export function containerStateFlags(state: ContainerState): { running: boolean; paused: boolean; restarting: boolean; dead: boolean } {
  return {
    running: state === "running" || state === "paused" || state === "restarting",
    paused: state === "paused",
    restarting: state === "restarting",
    dead: state === "dead",
  };
}

export interface ContainerStatusInput {
  state: ContainerState;
  exitCode: number;
  startedAt?: Date | undefined;
  finishedAt?: Date | undefined;
  /** The healthcheck's status, when the container has one. */
  health?: "starting" | "healthy" | "unhealthy" | undefined;
}

const isSet = (date: Date | undefined): date is Date => date !== undefined && date.getUTCFullYear() > 1;

/**
 * docker's STATUS column (container/state.go String): "Created", "Up 5 minutes",
 * "Up 2 minutes (Paused)", "Up 3 hours (healthy)", "Restarting (1) 5 seconds ago",
 * "Exited (137) 3 seconds ago", "Removal In Progress", "Dead". An exited container that never
 * started (its start failed) shows "Created", as in docker.
 */
export function formatContainerStatus(status: ContainerStatusInput, now: Date = new Date()): string {
  const since = (date: Date | undefined) => formatHumanDuration(now.getTime() - (date?.getTime() ?? now.getTime()));
  switch (status.state) {
    case "running":
      if (status.health === undefined) return `Up ${since(status.startedAt)}`;
      return `Up ${since(status.startedAt)} (${status.health === "starting" ? "health: starting" : status.health})`;
    case "paused":
      return `Up ${since(status.startedAt)} (Paused)`;
    case "restarting":
      return `Restarting (${status.exitCode}) ${since(status.finishedAt)} ago`;
    case "removing":
      return "Removal In Progress";
    case "dead":
      return "Dead";
    case "created":
      return "Created";
    case "exited":
      if (!isSet(status.startedAt)) return "Created";
      if (!isSet(status.finishedAt)) return "";
      return `Exited (${status.exitCode}) ${since(status.finishedAt)} ago`;
  }
}
