import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { parseCapabilities } from "./capabilities.js";
import {
  formatTmpfsData,
  isValidMountMode,
  mergeTmpfsOptions,
  parseMountSpec,
  parseTmpfsSpec,
  parseVolumeSpec,
  tmpfsMountOptions,
  type MountRequest,
} from "./mount-specs.js";
import { DEFAULT_CAPABILITIES, formatCapabilityMask, formatDeviceRule, DEFAULT_DEVICE_RULES } from "./runtime-defaults.js";

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!isBerthError(error, "INVALID_ARGUMENT")) throw error;
    return error.message;
  }
  throw new Error("expected an error");
}

const base: MountRequest = {
  type: "bind", source: "", target: "", readOnly: false, mode: "", propagation: "", nonRecursive: false, noCopy: false,
  tmpfsData: "", volumeDriver: "", volumeLabels: {}, volumeOptions: {},
};

describe("parseVolumeSpec (-v, ParseMountRaw)", () => {
  it.each([
    ["/host:/ctr", { type: "bind", source: "/host", target: "/ctr" }],
    ["/host/:/ctr/:ro", { type: "bind", source: "/host", target: "/ctr", readOnly: true, mode: "ro" }],
    ["/host:/ctr:rw", { type: "bind", source: "/host", target: "/ctr", mode: "rw" }],
    ["/host:/ctr:ro,z", { type: "bind", source: "/host", target: "/ctr", readOnly: true, mode: "ro,z" }],
    ["/host:/ctr:rshared", { type: "bind", source: "/host", target: "/ctr", mode: "rshared", propagation: "rshared" }],
    ["/a/../b:/c/./d", { type: "bind", source: "/b", target: "/c/d" }],
    ["data:/var/lib/data", { type: "volume", source: "data", target: "/var/lib/data" }],
    ["data:/srv:ro", { type: "volume", source: "data", target: "/srv", readOnly: true, mode: "ro" }],
    ["data:/srv:nocopy", { type: "volume", source: "data", target: "/srv", mode: "nocopy", noCopy: true }],
    ["/ctr", { type: "volume", source: "", target: "/ctr" }],
    ["/ctr/", { type: "volume", source: "", target: "/ctr" }],
  ] as const)("%s", (text, fields) => {
    expect(parseVolumeSpec(text)).toEqual({ ...base, ...fields });
  });

  it.each([
    ["", "invalid volume specification: ''"],
    [":/ctr", "invalid volume specification: ':/ctr'"],
    ["/a:/b:ro:z", "invalid volume specification: '/a:/b:ro:z'"],
    ["/ctr:ro", "invalid volume specification: '/ctr:ro'"],
    ["/ctr:rw", "invalid volume specification: '/ctr:rw'"],
    ["/host:/ctr:foo", "invalid mode: foo"],
    ["/host:/ctr:ro,rw", "invalid mode: ro,rw"],
    ["/host:/ctr:ro,", "invalid mode: ro,"],
    ["data:ctr", `invalid volume specification: 'data:ctr': invalid mount config for type "volume": invalid mount path: 'ctr' mount path must be absolute`],
    ["ctr", `invalid volume specification: 'ctr': invalid mount config for type "volume": invalid mount path: 'ctr' mount path must be absolute`],
    ["/host:/", `invalid volume specification: '/host:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    ["/host:/..", `invalid volume specification: '/host:/..': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    ["/host:/ctr:nocopy", `invalid volume specification: '/host:/ctr:nocopy': invalid mount config for type "bind": field VolumeOptions must not be specified`],
    ["data:/ctr:rprivate", `invalid volume specification: 'data:/ctr:rprivate': invalid mount config for type "volume": field BindOptions must not be specified`],
    ["./data:/ctr", `create ./data: "./data" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`],
    ["x:/ctr", "create x: volume name is too short, names should be at least two alphanumeric characters"],
  ])("rejects %j", (text, message) => {
    expect(errorOf(() => parseVolumeSpec(text))).toBe(message);
  });

  it("knows docker's mode words", () => {
    expect(isValidMountMode("ro,Z,rslave,nocopy,cached")).toBe(true);
    expect(isValidMountMode("z,Z")).toBe(false);
    expect(isValidMountMode("shared,private")).toBe(false);
  });
});

describe("parseMountSpec (--mount)", () => {
  it.each([
    ["type=bind,source=/host,target=/ctr", { type: "bind", source: "/host", target: "/ctr" }],
    ["type=bind,src=/host,dst=/ctr,readonly", { type: "bind", source: "/host", target: "/ctr", readOnly: true }],
    ["type=bind,src=/host,destination=/ctr,ro=true,bind-propagation=rslave", { type: "bind", source: "/host", target: "/ctr", readOnly: true, propagation: "rslave" }],
    ["Type=BIND,Source=/host,Target=/ctr,bind-nonrecursive", { type: "bind", source: "/host", target: "/ctr", nonRecursive: true }],
    ["target=/data", { type: "volume", source: "", target: "/data" }],
    ["type=volume,src=cache,dst=/cache,volume-nocopy,volume-label=a=b,volume-opt=o=size=1g", {
      type: "volume", source: "cache", target: "/cache", noCopy: true, volumeLabels: { a: "b" }, volumeOptions: { o: "size=1g" },
    }],
    ["type=tmpfs,dst=/run,tmpfs-size=64m,tmpfs-mode=1770", { type: "tmpfs", target: "/run", tmpfsData: "mode=1770,size=64m" }],
    ["type=tmpfs,dst=/run,readonly,tmpfs-size=1000", { type: "tmpfs", target: "/run", readOnly: true, tmpfsData: "ro,size=1000" }],
    ['type=bind,"source=/a,b",target=/c', { type: "bind", source: "/a,b", target: "/c" }],
  ] as const)("%s", (text, fields) => {
    expect(parseMountSpec(text)).toEqual({ ...base, ...fields });
  });

  const flag = (text: string, reason: string) => [text, `invalid argument ${JSON.stringify(text)} for "--mount" flag: ${reason}`];
  it.each([
    flag("type=bind", "target is required"),
    flag("type=,target=/x", "type is required"),
    flag("", "EOF"),
    flag("type=bind,target=/x,readonly=maybe", "invalid value for readonly: maybe"),
    flag("type=bind,target=/x,bogus", "invalid field 'bogus' must be a key=value pair"),
    flag("type=bind,target=/x,color=red", "unexpected key 'color' in 'color=red'"),
    flag("type=bind,target=/x,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'"),
    flag("type=volume,target=/x,bind-propagation=shared", "cannot mix 'bind-*' options with mount type 'volume'"),
    flag("type=bind,target=/x,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'bind'"),
    flag("type=tmpfs,target=/x,tmpfs-size=lots", "invalid value for tmpfs-size: lots"),
    flag("type=tmpfs,target=/x,tmpfs-mode=999", "invalid value for tmpfs-mode: 999"),
    flag("type=bind,target=/x,volume-nocopy=perhaps", "invalid value for volume-nocopy: perhaps"),
    flag('type=bind,sou"rce=/a,target=/x', 'parse error on line 1, column 14: bare " in non-quoted-field'),
    ["type=bind,target=/x", `invalid mount config for type "bind": field Source must not be empty`],
    ["type=bind,source=rel,target=/x", `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
    ["type=bind,source=/a,target=/x,bind-propagation=sideways", `invalid mount config for type "bind": invalid propagation mode: sideways`],
    ["type=bind,source=/a,target=x", `invalid mount config for type "bind": invalid mount path: 'x' mount path must be absolute`],
    ["type=volume,source=v1,target=/", `invalid mount config for type "volume": invalid specification: destination can't be '/'`],
    ["type=volume,target=/x,readonly", `invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes`],
    ["type=tmpfs,source=x,target=/x", `invalid mount config for type "tmpfs": field Source must not be specified`],
    ["type=npipe,target=/x", `invalid mount config for type "npipe": mount type unknown`],
  ])("rejects %j", (text, message) => {
    expect(errorOf(() => parseMountSpec(text!))).toBe(message);
  });
});

describe("--tmpfs", () => {
  it.each([
    ["/run", { target: "/run", data: "" }],
    ["/run:rw,size=64m", { target: "/run", data: "rw,size=64m" }],
    ["/tmp/:exec,mode=1777,uid=1000", { target: "/tmp", data: "exec,mode=1777,uid=1000" }],
  ])("%s", (text, request) => {
    expect(parseTmpfsSpec(text)).toEqual(request);
  });

  it.each([
    ["/", "invalid specification: destination can't be '/'"],
    ["run:size=1m", "invalid mount path: 'run' mount path must be absolute"],
    ["/run:color=red", 'Invalid tmpfs option ["color" "red"]'],
    ["/run:fast", 'Invalid tmpfs option ["fast"]'],
  ])("rejects %j", (text, message) => {
    expect(errorOf(() => parseTmpfsSpec(text))).toBe(message);
  });

  it("merges options the way MergeTmpfsOptions does (last wins, data keys once)", () => {
    expect(tmpfsMountOptions("")).toEqual(["noexec", "nosuid", "nodev", "rprivate"]);
    expect(tmpfsMountOptions("rw,exec,size=64m")).toEqual(["nosuid", "nodev", "rprivate", "rw", "exec", "size=64m"]);
    expect(mergeTmpfsOptions(["defaults", "size=1m", "ro", "size=2m", "rw", "shared"])).toEqual(["size=2m", "rw", "shared"]);
  });

  it("writes --mount tmpfs options like ConvertTmpfsOptions", () => {
    expect(formatTmpfsData(false, 64 * 1024 * 1024, 0o1777)).toBe("mode=1777,size=64m");
    expect(formatTmpfsData(true, 2 * 1024 ** 3, 0)).toBe("ro,size=2g");
    expect(formatTmpfsData(false, 1536, 0)).toBe("size=1536");
  });
});

describe("parseCapabilities (TweakCapabilities)", () => {
  const defaults = [...DEFAULT_CAPABILITIES];

  it("keeps docker's 14 without flags", () => {
    expect(parseCapabilities([], [])).toEqual(defaults);
    expect(formatCapabilityMask(parseCapabilities([], []))).toBe("00000000a80425fb");
  });

  it("adds and drops in any spelling", () => {
    expect(parseCapabilities(["sys_admin", "CAP_NET_ADMIN"], ["chown", "Cap_Kill", "CAP_MKNOD"])).toEqual([
      ...defaults.filter((cap) => !["CAP_CHOWN", "CAP_KILL", "CAP_MKNOD"].includes(cap)), "CAP_SYS_ADMIN", "CAP_NET_ADMIN",
    ]);
  });

  it("does not repeat a default that is added again", () => {
    expect(parseCapabilities(["CHOWN"], [])).toEqual(defaults);
  });

  it("handles ALL on either side", () => {
    expect(parseCapabilities(["ALL"], [])).toHaveLength(41);
    expect(parseCapabilities(["all"], ["SYS_ADMIN"])).not.toContain("CAP_SYS_ADMIN");
    expect(parseCapabilities(["NET_BIND_SERVICE"], ["ALL"])).toEqual(["CAP_NET_BIND_SERVICE"]);
    expect(parseCapabilities([], ["ALL"])).toEqual([]);
  });

  it("gives --privileged every capability the host knows", () => {
    expect(parseCapabilities([], ["ALL"], { privileged: true })).toHaveLength(41);
    expect(parseCapabilities([], [], { privileged: true, lastCap: 37 }).at(-1)).toBe("CAP_AUDIT_READ");
    expect(formatCapabilityMask(parseCapabilities([], [], { privileged: true, lastCap: 40 }))).toBe("000001ffffffffff");
  });

  it("gives --privileged only what the engine's bounding set holds, as docker does", () => {
    const bounding = 0x1fffeffffffn; // CAP_SYS_RESOURCE (24) withheld, as on this project's CI host
    const caps = parseCapabilities([], [], { privileged: true, lastCap: 40, bounding });
    expect(caps).not.toContain("CAP_SYS_RESOURCE");
    expect(formatCapabilityMask(caps)).toBe("000001fffeffffff");
    expect(parseCapabilities(["SYS_RESOURCE"], [], { lastCap: 40, bounding })).toContain("CAP_SYS_RESOURCE");
  });

  it.each([
    [["FOO"], [], 'invalid CapAdd: unknown capability: "CAP_FOO"'],
    [[], ["cap_bogus"], 'invalid CapDrop: unknown capability: "CAP_BOGUS"'],
    [["BPF"], [], 'invalid CapAdd: unknown capability: "CAP_BPF"', 37],
  ] as const)("rejects %j %j", (add, drop, message, lastCap?: number) => {
    expect(errorOf(() => parseCapabilities(add, drop, { lastCap }))).toBe(message);
  });
});

describe("device rules", () => {
  it("start with docker's deny-all and end with runc's additions", () => {
    const lines = DEFAULT_DEVICE_RULES.map((rule) => `${rule.allow ? "allow" : "deny"} ${formatDeviceRule(rule)}`);
    expect(lines.slice(0, 8)).toEqual([
      "deny a *:* rwm", "allow c 1:5 rwm", "allow c 1:3 rwm", "allow c 1:9 rwm", "allow c 1:8 rwm", "allow c 5:0 rwm",
      "allow c 5:1 rwm", "deny c 10:229 rwm",
    ]);
    expect(lines).toContain("allow c 136:* rwm");
    expect(lines).toContain("allow c 1:7 rwm");
  });
});
