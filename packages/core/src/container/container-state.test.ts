import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import {
  assertTransition,
  CONTAINER_ACTIONS,
  CONTAINER_STATES,
  containerStateFlags,
  formatContainerStatus,
  type ContainerAction,
  type ContainerState,
} from "./container-state.js";

const id = "4f0c5e1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
const web = { id, name: "/web" };

// Every (action, state) pair: "→state" is a move, "noop" docker's 304, anything else the
// CONFLICT message expected (with ID = the full id, NAME = /web).
const expected: Record<ContainerAction, Record<ContainerState, string>> = {
  start: {
    created: "→running", running: "noop", paused: "cannot start a paused container, try unpause instead",
    restarting: "noop", removing: "container is marked for removal and cannot be started",
    exited: "→running", dead: "container is marked for removal and cannot be started",
  },
  stop: {
    created: "noop", running: "→exited", paused: "→exited", restarting: "→exited",
    removing: "Container ID is not running", exited: "noop", dead: "Container ID is not running",
  },
  kill: {
    created: "Container ID is not running", running: "→exited", paused: "→exited", restarting: "→exited",
    removing: "Container ID is not running", exited: "Container ID is not running", dead: "Container ID is not running",
  },
  pause: {
    created: "Container ID is not running", running: "→paused", paused: "Container ID is already paused",
    restarting: "Container ID is restarting, wait until the container is running",
    removing: "Container ID is not running", exited: "Container ID is not running", dead: "Container ID is not running",
  },
  unpause: {
    created: "Container ID is not paused", running: "Container ID is not paused", paused: "→running",
    restarting: "Container ID is not paused", removing: "Container ID is not paused",
    exited: "Container ID is not paused", dead: "Container ID is not paused",
  },
  restart: {
    created: "→running", running: "→running", paused: "→running", restarting: "→running",
    removing: "Cannot restart container web: container is marked for removal and cannot be started",
    exited: "→running", dead: "Cannot restart container web: container is marked for removal and cannot be started",
  },
  remove: {
    created: "→removing",
    running: 'cannot remove container "/web": container is running: stop the container before removing or force remove',
    paused: 'cannot remove container "/web": container is paused and must be unpaused first',
    restarting: 'cannot remove container "/web": container is restarting: stop the container before removing or force remove',
    removing: "removal of container web is already in progress", exited: "→removing", dead: "→removing",
  },
  forceRemove: {
    created: "→removing", running: "→removing", paused: "→removing", restarting: "→removing",
    removing: "removal of container web is already in progress", exited: "→removing", dead: "→removing",
  },
  exec: {
    created: "Container ID is not running", running: "→running",
    paused: "Container ID is paused, unpause the container before exec",
    restarting: "Container ID is restarting, wait until the container is running",
    removing: "Container ID is not running", exited: "Container ID is not running", dead: "Container ID is not running",
  },
  attach: {
    created: "You cannot attach to a stopped container, start it first", running: "→running",
    paused: "You cannot attach to a paused container, unpause it first",
    restarting: "You cannot attach to a restarting container, wait until it is running",
    removing: "You cannot attach to a stopped container, start it first",
    exited: "You cannot attach to a stopped container, start it first",
    dead: "You cannot attach to a stopped container, start it first",
  },
  top: {
    created: "Container ID is not running", running: "→running", paused: "→paused",
    restarting: "Container ID is restarting, wait until the container is running",
    removing: "Container ID is not running", exited: "Container ID is not running", dead: "Container ID is not running",
  },
  die: {
    created: "Container ID is not running", running: "→exited", paused: "→exited", restarting: "→exited",
    removing: "Container ID is not running", exited: "Container ID is not running", dead: "Container ID is not running",
  },
  scheduleRestart: {
    created: "Container ID is not running", running: "→restarting", paused: "→restarting",
    restarting: "Container ID is not running", removing: "Container ID is not running",
    exited: "Container ID is not running", dead: "Container ID is not running",
  },
  restarted: {
    created: "container is marked for removal and cannot be started", running: "container is marked for removal and cannot be started",
    paused: "cannot start a paused container, try unpause instead", restarting: "→running",
    removing: "container is marked for removal and cannot be started", exited: "container is marked for removal and cannot be started",
    dead: "container is marked for removal and cannot be started",
  },
  markDead: {
    created: "Container ID is not being removed", running: "Container ID is not being removed",
    paused: "Container ID is not being removed", restarting: "Container ID is not being removed",
    removing: "→dead", exited: "Container ID is not being removed", dead: "Container ID is not being removed",
  },
};

function outcome(from: ContainerState, action: ContainerAction): string {
  try {
    const result = assertTransition(from, action, web);
    return result.kind === "move" ? `→${result.to}` : "noop";
  } catch (error) {
    if (!isBerthError(error, "CONFLICT")) throw error;
    return error.message.replaceAll(id, "ID");
  }
}

describe("assertTransition: the whole table", () => {
  const pairs = CONTAINER_ACTIONS.flatMap((action) => CONTAINER_STATES.map((state) => [action, state] as const));

  it("covers every action and state", () => {
    expect(pairs).toHaveLength(CONTAINER_ACTIONS.length * CONTAINER_STATES.length);
    for (const [action, state] of pairs) expect(expected[action][state], `${action} from ${state}`).toBeDefined();
  });

  it.each(pairs)("%s from %s", (action, state) => {
    expect(outcome(state, action)).toBe(expected[action][state]);
  });

  it("names the noop like docker's 304", () => {
    expect(assertTransition("exited", "stop", web)).toEqual({ kind: "noop", reason: "container is already stopped" });
  });

  it("accepts a name without its slash", () => {
    expect(() => assertTransition("running", "remove", { id, name: "db" })).toThrow(
      'cannot remove container "/db": container is running',
    );
  });

  it("follows the ARCHITECTURE picture: created → running ↔ paused → exited → running → restarting → running", () => {
    const path: Array<[ContainerAction, ContainerState]> = [
      ["start", "running"], ["pause", "paused"], ["unpause", "running"], ["die", "exited"], ["start", "running"],
      ["scheduleRestart", "restarting"], ["restarted", "running"], ["stop", "exited"], ["remove", "removing"], ["markDead", "dead"],
    ];
    let state: ContainerState = "created";
    for (const [action, to] of path) {
      const result = assertTransition(state, action, web);
      expect(result).toEqual({ kind: "move", to });
      state = to;
    }
  });
});

describe("containerStateFlags", () => {
  it("counts paused and restarting as running, like docker's State", () => {
    expect(containerStateFlags("paused")).toEqual({ running: true, paused: true, restarting: false, dead: false });
    expect(containerStateFlags("restarting")).toEqual({ running: true, paused: false, restarting: true, dead: false });
    expect(containerStateFlags("exited")).toEqual({ running: false, paused: false, restarting: false, dead: false });
  });
});

describe("formatContainerStatus (docker's STATUS column)", () => {
  const now = new Date("2024-06-15T12:00:00Z");
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const minute = 60_000;

  it.each([
    [{ state: "created", exitCode: 0 }, "Created"],
    [{ state: "running", exitCode: 0, startedAt: ago(5 * minute) }, "Up 5 minutes"],
    [{ state: "running", exitCode: 0, startedAt: ago(400) }, "Up Less than a second"],
    [{ state: "running", exitCode: 0, startedAt: ago(3 * 60 * minute), health: "healthy" }, "Up 3 hours (healthy)"],
    [{ state: "running", exitCode: 0, startedAt: ago(10_000), health: "starting" }, "Up 10 seconds (health: starting)"],
    [{ state: "paused", exitCode: 0, startedAt: ago(2 * minute) }, "Up 2 minutes (Paused)"],
    [{ state: "exited", exitCode: 137, startedAt: ago(minute), finishedAt: ago(3000) }, "Exited (137) 3 seconds ago"],
    [{ state: "exited", exitCode: 0, startedAt: ago(90 * minute), finishedAt: ago(60 * minute) }, "Exited (0) About an hour ago"],
    [{ state: "exited", exitCode: 127 }, "Created"],
    [{ state: "exited", exitCode: 127, startedAt: new Date("0001-01-01T00:00:00Z") }, "Created"],
    [{ state: "restarting", exitCode: 1, startedAt: ago(minute), finishedAt: ago(5000) }, "Restarting (1) 5 seconds ago"],
    [{ state: "removing", exitCode: 0 }, "Removal In Progress"],
    [{ state: "dead", exitCode: 0 }, "Dead"],
  ] as const)("%o → %s", (input, text) => {
    expect(formatContainerStatus(input, now)).toBe(text);
  });
});
