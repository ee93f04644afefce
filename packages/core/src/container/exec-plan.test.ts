import { describe, expect, it } from "vitest";
import { planContainerExec, type ContainerExecInput } from "./exec-plan.js";
import { DEFAULT_CAPABILITIES } from "./runtime-defaults.js";

const PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
const GROUP = "root:x:0:\napp:x:1000:\nstaff:x:50:app\n";

const input = (extra: Partial<ContainerExecInput> = {}): ContainerExecInput => ({
  config: { Env: ["PATH=/custom", "A=1", "B=2"], Hostname: "box", WorkingDir: "/srv", User: "app" },
  host: { privileged: false, capAdd: [], capDrop: [], noNewPrivileges: false, seccompUnconfined: false },
  cmd: ["sh", "-c", "env"],
  tty: false,
  env: [],
  privileged: false,
  passwd: PASSWD,
  group: GROUP,
  ...extra,
});

describe("planContainerExec", () => {
  it("inherits the container's env, cwd, user and capabilities", () => {
    expect(planContainerExec(input())).toEqual({
      argv: ["sh", "-c", "env"],
      env: ["PATH=/custom", "HOSTNAME=box", "A=1", "B=2"],
      cwd: "/srv",
      user: { uid: 1000, gid: 1000, additionalGids: [1000, 50] },
      capabilities: [...DEFAULT_CAPABILITIES],
      noNewPrivileges: false,
      seccomp: { profile: "default", capabilities: [...DEFAULT_CAPABILITIES] },
      tty: false,
    });
  });

  it("applies -e (replace, add, unset), -w, -u and TERM for an exec tty", () => {
    const plan = planContainerExec(input({ env: ["B=3", "C=4", "A"], workingDir: "/tmp", user: "0:50", tty: true }));
    expect(plan.env).toEqual(["PATH=/custom", "HOSTNAME=box", "TERM=xterm", "B=3", "C=4"]);
    expect(plan.cwd).toBe("/tmp");
    expect(plan.user).toEqual({ uid: 0, gid: 50, additionalGids: [50] });
    expect(plan.tty).toBe(true);
  });

  it("keeps cap-add/cap-drop and no-new-privileges; either --privileged gives every capability", () => {
    const host = { privileged: false, capAdd: ["SYS_ADMIN"], capDrop: ["NET_RAW"], noNewPrivileges: true, seccompUnconfined: false };
    const plan = planContainerExec(input({ host }));
    expect(plan.capabilities).toContain("CAP_SYS_ADMIN");
    expect(plan.capabilities).not.toContain("CAP_NET_RAW");
    expect(plan.noNewPrivileges).toBe(true);
    expect(planContainerExec(input({ host, privileged: true })).capabilities).toBe("all");
    expect(planContainerExec(input({ host: { ...host, privileged: true } })).capabilities).toBe("all");
  });

  it("gives every exec the container's seccomp filter: exec --privileged adds capabilities, not syscalls", () => {
    const host = { privileged: false, capAdd: ["NET_ADMIN"], capDrop: ["CHOWN"], noNewPrivileges: false, seccompUnconfined: false };
    const own = planContainerExec(input({ host }));
    expect(own.seccomp).toEqual({ profile: "default", capabilities: own.capabilities });
    expect(own.capabilities).toContain("CAP_NET_ADMIN");
    expect(own.capabilities).not.toContain("CAP_CHOWN");
    const privilegedExec = planContainerExec(input({ host, privileged: true }));
    expect(privilegedExec.capabilities).toBe("all");
    expect(privilegedExec.seccomp).toEqual(own.seccomp);
    expect(planContainerExec(input({ host: { ...host, seccompUnconfined: true } })).seccomp).toEqual({ profile: "unconfined" });
    expect(planContainerExec(input({ host: { ...host, privileged: true } })).seccomp).toEqual({ profile: "unconfined" });
  });

  it("defaults to / and root, and refuses an empty command or an unknown user", () => {
    const plan = planContainerExec(input({ config: {} }));
    expect(plan).toMatchObject({ cwd: "/", user: { uid: 0, gid: 0 } });
    expect(() => planContainerExec(input({ cmd: [] }))).toThrow("No exec command specified");
    expect(() => planContainerExec(input({ user: "ghost" }))).toThrow("unable to find user ghost: no matching entries in passwd file");
  });
});
