import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import type { ContainerConfig } from "../oci.js";
import {
  containerProcessEnv,
  mergeRunConfig,
  processArgv,
  replaceOrAppendEnv,
  type RunConfigInput,
} from "./container-config.js";
import { resolveUser } from "./resolve-user.js";

const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const nginx: ContainerConfig = {
  User: "",
  ExposedPorts: { "80/tcp": {} },
  Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.25.3"],
  Cmd: ["nginx", "-g", "daemon off;"],
  Entrypoint: ["/docker-entrypoint.sh"],
  Labels: { maintainer: "NGINX" },
  StopSignal: "SIGQUIT",
  Volumes: { "/var/cache/nginx": {} },
  WorkingDir: "/",
};
const plain: RunConfigInput = { env: [], labels: {}, tty: false, openStdin: false, image: "nginx" };

describe("mergeRunConfig (formats.md 5.5)", () => {
  it("takes everything from the image when the user says nothing", () => {
    expect(mergeRunConfig(nginx, plain, id)).toEqual({
      Hostname: "0123456789ab",
      Domainname: "",
      User: "",
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      ExposedPorts: { "80/tcp": {} },
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: nginx.Env,
      Cmd: ["nginx", "-g", "daemon off;"],
      Image: "nginx",
      Volumes: { "/var/cache/nginx": {} },
      WorkingDir: "/",
      Entrypoint: ["/docker-entrypoint.sh"],
      Labels: { maintainer: "NGINX" },
      StopSignal: "SIGQUIT",
    });
  });

  it("keeps docker's key order", () => {
    expect(Object.keys(mergeRunConfig(nginx, { ...plain, stopTimeout: 3 }, id))).toEqual([
      "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "ExposedPorts", "Tty", "OpenStdin",
      "StdinOnce", "Env", "Cmd", "Image", "Volumes", "WorkingDir", "Entrypoint", "Labels", "StopSignal", "StopTimeout",
    ]);
  });

  it.each([
    ["no command, no entrypoint", {}, ["/docker-entrypoint.sh"], ["nginx", "-g", "daemon off;"]],
    ["a command replaces Cmd only", { cmd: ["sh"] }, ["/docker-entrypoint.sh"], ["sh"]],
    ["an entrypoint drops the image's Cmd", { entrypoint: ["/bin/sh"] }, ["/bin/sh"], undefined],
    ["an entrypoint with a command", { entrypoint: ["/bin/sh"], cmd: ["-c", "id"] }, ["/bin/sh"], ["-c", "id"]],
    ["--entrypoint \"\" clears both", { entrypoint: null }, undefined, undefined],
    ["--entrypoint \"\" with a command", { entrypoint: [""], cmd: ["id"] }, undefined, ["id"]],
    ["an empty API entrypoint keeps the image's Cmd", { entrypoint: [] }, undefined, ["nginx", "-g", "daemon off;"]],
  ] as const)("%s", (_, user, entrypoint, cmd) => {
    const config = mergeRunConfig(nginx, { ...plain, ...user }, id);
    expect(config.Entrypoint).toEqual(entrypoint);
    expect(config.Cmd).toEqual(cmd);
  });

  it("appends the image's env entries whose key the user did not set", () => {
    const config = mergeRunConfig(nginx, { ...plain, env: ["NGINX_VERSION=custom", "A=1", "PATH"] }, id);
    expect(config.Env).toEqual(["NGINX_VERSION=custom", "A=1", "PATH"]);
    expect(mergeRunConfig(nginx, { ...plain, env: ["A=1"] }, id).Env).toEqual(["A=1", ...nginx.Env!]);
  });

  it("unions labels, ports and volumes, the user winning on labels", () => {
    const config = mergeRunConfig(nginx, {
      ...plain, labels: { maintainer: "me", tier: "web" }, exposedPorts: ["443/tcp"], volumes: ["/data"],
    }, id);
    expect(config.Labels).toEqual({ maintainer: "me", tier: "web" });
    expect(config.ExposedPorts).toEqual({ "443/tcp": {}, "80/tcp": {} });
    expect(config.Volumes).toEqual({ "/data": {}, "/var/cache/nginx": {} });
  });

  it("inherits user, working dir and stop signal only when unset", () => {
    const image = { ...nginx, User: "nginx", WorkingDir: "/app" };
    expect(mergeRunConfig(image, plain, id)).toMatchObject({ User: "nginx", WorkingDir: "/app", StopSignal: "SIGQUIT" });
    expect(mergeRunConfig(image, { ...plain, user: "0", workingDir: "/srv/./x/", stopSignal: "SIGTERM" }, id)).toMatchObject({
      User: "0", WorkingDir: "/srv/x", StopSignal: "SIGTERM",
    });
  });

  it("rejects a relative working dir like docker", () => {
    expect(() => mergeRunConfig(nginx, { ...plain, workingDir: "app" }, id)).toThrow(
      "the working directory 'app' is invalid, it needs to be an absolute path",
    );
  });

  it("sets the attach flags like the CLI: -i attaches stdin once, -d attaches nothing", () => {
    expect(mergeRunConfig(nginx, { ...plain, openStdin: true, tty: true }, id)).toMatchObject({
      AttachStdin: true, AttachStdout: true, AttachStderr: true, OpenStdin: true, StdinOnce: true, Tty: true,
    });
    expect(mergeRunConfig(nginx, { ...plain, openStdin: true, detach: true }, id)).toMatchObject({
      AttachStdin: false, AttachStdout: false, AttachStderr: false, OpenStdin: true, StdinOnce: false,
    });
  });

  it("uses --hostname, else the short ID", () => {
    expect(mergeRunConfig(undefined, { ...plain, hostname: "web1", cmd: ["true"] }, id).Hostname).toBe("web1");
  });

  it("shows the main network's asked-for MAC as MacAddress, and none otherwise (not the image's)", () => {
    expect(mergeRunConfig(undefined, { ...plain, macAddress: "92:d0:c6:0a:29:33", cmd: ["true"] }, id).MacAddress).toBe("92:d0:c6:0a:29:33");
    expect(mergeRunConfig({ ...nginx, MacAddress: "92:d0:c6:0a:29:34" }, { ...plain, macAddress: undefined }, id)).not.toHaveProperty("MacAddress");
  });

  it("merges healthchecks field by field", () => {
    const image = { ...nginx, Healthcheck: { Test: ["CMD", "curl", "-f", "localhost"], Interval: 30e9, Retries: 3 } };
    expect(mergeRunConfig(image, { ...plain, healthcheck: { Test: [], Timeout: 5e9 } }, id).Healthcheck).toEqual({
      Test: ["CMD", "curl", "-f", "localhost"], Interval: 30e9, Timeout: 5e9, StartPeriod: undefined, Retries: 3,
    });
  });
});

describe("processArgv", () => {
  it("joins Entrypoint and Cmd into Path and Args", () => {
    expect(processArgv({ Entrypoint: ["/docker-entrypoint.sh"], Cmd: ["nginx", "-g", "daemon off;"] })).toEqual({
      path: "/docker-entrypoint.sh", args: ["nginx", "-g", "daemon off;"],
    });
    expect(processArgv({ Cmd: ["sh"] })).toEqual({ path: "sh", args: [] });
  });

  it("refuses an empty command", () => {
    try {
      processArgv({ Entrypoint: [], Cmd: undefined });
      expect.unreachable();
    } catch (error) {
      expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
      expect((error as Error).message).toBe("no command specified");
    }
  });
});

describe("the process environment", () => {
  it("adds PATH and HOSTNAME, and TERM with a TTY", () => {
    expect(containerProcessEnv({ Hostname: "abc", Env: [], Tty: false })).toEqual([
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=abc",
    ]);
    expect(containerProcessEnv({ Hostname: "abc", Env: ["A=1"], Tty: true })).toEqual([
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=abc", "TERM=xterm", "A=1",
    ]);
  });

  it("lets Env replace defaults, and a bare name remove one", () => {
    expect(containerProcessEnv({ Hostname: "abc", Env: ["PATH=/bin", "TERM=dumb", "HOSTNAME"], Tty: true })).toEqual([
      "PATH=/bin", "TERM=dumb",
    ]);
  });

  it("follows ReplaceOrAppendEnvValues exactly (repeated new keys are all appended)", () => {
    expect(replaceOrAppendEnv(["A=1"], ["B=1", "B=2", "A=2", "C"])).toEqual(["A=2", "B=1", "B=2"]);
  });
});

describe("resolveUser (runc GetExecUser + docker getUser)", () => {
  const passwd = [
    "root:x:0:0:root:/root:/bin/sh",
    "daemon:x:1:1:daemon:/usr/sbin:/false",
    "  app:x:1000:1000::/home/app:/bin/sh  ",
    "",
    "dup:x:1000:5::/dup:/bin/sh",
    "broken:x:notanumber",
  ].join("\n");
  const group = ["root:x:0:", "wheel:x:10:root,app", "staff:x:50:app", "app:x:1000:", "users:x:100:"].join("\n");

  it.each([
    ["", { uid: 0, gid: 0, additionalGids: [0, 10], home: "/root" }],
    ["root", { uid: 0, gid: 0, additionalGids: [0, 10], home: "/root" }],
    ["app", { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: "/home/app" }],
    ["1000", { uid: 1000, gid: 1000, additionalGids: [1000, 10, 50], home: "/home/app" }],
    ["app:users", { uid: 1000, gid: 100, additionalGids: [100], home: "/home/app" }],
    ["app:50", { uid: 1000, gid: 50, additionalGids: [50], home: "/home/app" }],
    ["4242", { uid: 4242, gid: 0, additionalGids: [0], home: "" }],
    ["4242:4343", { uid: 4242, gid: 4343, additionalGids: [4343], home: "" }],
    [":staff", { uid: 0, gid: 50, additionalGids: [50], home: "/root" }],
    ["broken", { uid: 0, gid: 0, additionalGids: [0], home: "" }],
  ])("%j", (spec, user) => {
    expect(resolveUser(spec, passwd, group)).toEqual(user);
  });

  it.each([
    ["nobody", "unable to find user nobody: no matching entries in passwd file"],
    ["app:nogroup", "unable to find group nogroup: no matching entries in group file"],
    ["-1", "uids and gids must be in range 0-2147483647"],
    ["0:2147483648", "uids and gids must be in range 0-2147483647"],
  ])("rejects %j", (spec, message) => {
    expect(() => resolveUser(spec, passwd, group)).toThrow(message);
  });

  it("works without /etc/passwd and /etc/group for numeric users, like docker", () => {
    expect(resolveUser("", undefined, undefined)).toEqual({ uid: 0, gid: 0, additionalGids: [0], home: "" });
    expect(resolveUser("123:456", undefined, undefined)).toEqual({ uid: 123, gid: 456, additionalGids: [456], home: "" });
    expect(() => resolveUser("app", undefined, undefined)).toThrow("unable to find user app: no matching entries in passwd file");
  });

  it("adds --group-add groups by name or number", () => {
    expect(resolveUser("app", passwd, group, ["users", "2000", "10"]).additionalGids).toEqual([1000, 10, 50, 100, 2000, 10]);
    expect(() => resolveUser("app", passwd, group, ["nosuch"])).toThrow("Unable to find group nosuch");
  });
});
