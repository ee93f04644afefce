import { invalidArgument } from "../errors.js";
import { cleanPosixPath } from "../posix-path.js";
import { parseMemoryBytes, invalidFlagValue } from "./run-options.js";

// `-v`, `--mount` and `--tmpfs` (docker's volume/mounts/linux_parser.go, the CLI's opts/mount.go,
// moby/sys/mount MergeTmpfsOptions).

export type MountType = "bind" | "volume" | "tmpfs";
export const PROPAGATION_MODES = ["private", "rprivate", "shared", "rshared", "slave", "rslave"] as const;
export type Propagation = (typeof PROPAGATION_MODES)[number];

/** One mount a user asked for, from `-v` or `--mount`, checked like docker's daemon. */
export interface MountRequest {
  type: MountType;
  /** bind: the absolute host path; volume: its name ("" = a new anonymous volume); tmpfs: "". */
  source: string;
  /** The cleaned absolute path in the container. */
  target: string;
  readOnly: boolean;
  /** `-v`'s mode text (`ro,z`), "" otherwise; inspect's `Mounts[].Mode`. */
  mode: string;
  /** bind propagation; "" means the default, rprivate. */
  propagation: Propagation | "";
  /** bind-nonrecursive: `bind` instead of `rbind`. */
  nonRecursive: boolean;
  /** volume-nocopy: do not copy the image's content into a new volume. */
  noCopy: boolean;
  /** tmpfs options as docker's ConvertTmpfsOptions writes them (`ro,mode=1777,size=64m`). */
  tmpfsData: string;
  volumeDriver: string;
  volumeLabels: Record<string, string>;
  volumeOptions: Record<string, string>;
}

const blankRequest = (type: MountType): MountRequest => ({
  type, source: "", target: "", readOnly: false, mode: "", propagation: "", nonRecursive: false,
  noCopy: false, tmpfsData: "", volumeDriver: "", volumeLabels: {}, volumeOptions: {},
});

const labelModes = new Set(["z", "Z"]);
const consistencyModes = new Set(["consistent", "cached", "delegated"]);
const isPropagation = (text: string): text is Propagation => (PROPAGATION_MODES as readonly string[]).includes(text);

/** docker's linuxValidMountMode: rw|ro, z|Z, a propagation, nocopy, a consistency; one of each. */
export function isValidMountMode(mode: string): boolean {
  if (mode === "") return true;
  const counts = { rw: 0, label: 0, propagation: 0, copy: 0, consistency: 0 };
  for (const option of mode.split(",")) {
    if (option === "rw" || option === "ro") counts.rw++;
    else if (labelModes.has(option)) counts.label++;
    else if (isPropagation(option)) counts.propagation++;
    else if (option === "nocopy") counts.copy++;
    else if (consistencyModes.has(option)) counts.consistency++;
    else return false;
  }
  return Object.values(counts).every((count) => count <= 1);
}

interface MountChecks {
  hasBindOptions: boolean;
  hasVolumeOptions: boolean;
}

/** The daemon's validateMountConfig (without the bind source existence check, the engine's). */
function validateMount(request: MountRequest, rawTarget: string, checks: MountChecks): string | undefined {
  const target = rawTarget.replaceAll("\\", "/");
  if (target === "") return "field Target must not be empty";
  if (cleanPosixPath(target) === "/") return "invalid specification: destination can't be '/'";
  if (!target.startsWith("/")) return `invalid mount path: '${target}' mount path must be absolute`;
  switch (request.type) {
    case "bind":
      if (request.source === "") return "field Source must not be empty";
      if (request.propagation !== "" && !isPropagation(request.propagation)) return `invalid propagation mode: ${request.propagation}`;
      if (checks.hasVolumeOptions) return "field VolumeOptions must not be specified";
      if (!request.source.replaceAll("\\", "/").startsWith("/")) {
        return `invalid mount path: '${request.source.replaceAll("\\", "/")}' mount path must be absolute`;
      }
      return undefined;
    case "volume":
      if (checks.hasBindOptions) return "field BindOptions must not be specified";
      if (request.source === "" && request.readOnly) return "must not set ReadOnly mode when using anonymous volumes";
      return undefined;
    case "tmpfs":
      if (checks.hasBindOptions) return "field BindOptions must not be specified";
      if (request.source !== "") return "field Source must not be specified";
      return undefined;
    default:
      return "mount type unknown";
  }
}

const mountConfigError = (type: string, reason: string) => `invalid mount config for type ${JSON.stringify(type)}: ${reason}`;

/** The local driver's volume name rule: `create x: "x" includes invalid characters…`. */
export function validateVolumeName(name: string): void {
  if (name.length === 1) {
    throw invalidArgument(`create ${name}: volume name is too short, names should be at least two alphanumeric characters`);
  }
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
    throw invalidArgument(
      `create ${name}: ${JSON.stringify(name)} includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`,
    );
  }
}

/**
 * `-v` text, as docker's ParseMountRaw: `/host:/ctr[:mode]` (bind), `name:/ctr[:mode]` (named
 * volume), `/ctr` (anonymous volume); mode = comma list of ro|rw, z|Z, a propagation, nocopy.
 * Throws INVALID_ARGUMENT `invalid volume specification: 'x'`, `invalid mode: foo`, or
 * `invalid volume specification: 'x': invalid mount config for type "volume": invalid mount path:
 * 'ctr' mount path must be absolute`, and the local driver's name rule for named volumes.
 */
export function parseVolumeSpec(text: string): MountRequest {
  const invalidSpec = `invalid volume specification: '${text}'`;
  if (text.split(":").length - 1 > 2 || text.startsWith(":") || text === "") throw invalidArgument(invalidSpec);
  const parts = text.split(":");
  let source = "";
  let rawTarget: string;
  let mode = "";
  if (parts.length === 1) {
    rawTarget = parts[0]!;
  } else if (parts.length === 2) {
    if (isValidMountMode(parts[1]!)) throw invalidArgument(invalidSpec);
    [source, rawTarget] = [parts[0]!, parts[1]!];
  } else {
    [source, rawTarget, mode] = [parts[0]!, parts[1]!, parts[2]!];
  }
  if (!isValidMountMode(mode)) throw invalidArgument(`invalid mode: ${mode}`);
  const options = mode.split(",");
  const request = blankRequest(source.startsWith("/") ? "bind" : "volume");
  request.source = request.type === "bind" ? cleanPosixPath(source) : source;
  request.readOnly = options.includes("ro");
  request.mode = mode;
  request.noCopy = options.includes("nocopy");
  request.propagation = options.find(isPropagation) ?? "";
  const problem = validateMount({ ...request, source }, rawTarget, {
    hasBindOptions: request.propagation !== "",
    hasVolumeOptions: options.includes("nocopy"),
  });
  if (problem !== undefined) throw invalidArgument(`${invalidSpec}: ${mountConfigError(request.type, problem)}`);
  request.target = cleanPosixPath(rawTarget);
  if (request.type === "volume" && source !== "") validateVolumeName(source);
  return request;
}

/** Go's encoding/csv for one record (the `--mount` value). */
function readCsvRecord(text: string): string[] {
  if (text === "") throw new Error("EOF");
  const fields: string[] = [];
  let index = 0;
  for (;;) {
    let field = "";
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote < 0) throw new Error(`parse error on line 1, column ${text.length + 1}: extraneous or missing " in quoted-field`);
        field += text.slice(index, quote);
        index = quote + 1;
        if (text[index] === '"') {
          field += '"';
          index++;
        } else if (index === text.length || text[index] === ",") break;
        else throw new Error(`parse error on line 1, column ${index + 1}: extraneous or missing " in quoted-field`);
      }
    } else {
      const comma = text.indexOf(",", index);
      field = text.slice(index, comma < 0 ? text.length : comma);
      const bare = field.indexOf('"');
      if (bare >= 0) throw new Error(`parse error on line 1, column ${index + bare + 1}: bare " in non-quoted-field`);
      index += field.length;
    }
    fields.push(field);
    if (index >= text.length) return fields;
    index++; // the comma
  }
}

function parseBool(key: string, value: string): boolean {
  if (["1", "t", "T", "true", "TRUE", "True"].includes(value)) return true;
  if (["0", "f", "F", "false", "FALSE", "False"].includes(value)) return false;
  throw new Error(key === "volume-nocopy" ? `invalid value for volume-nocopy: ${value}` : `invalid value for ${key}: ${value}`);
}

function setOnMap(target: Record<string, string>, value: string): void {
  const equals = value.indexOf("=");
  if (equals < 0) target[value] = "";
  else target[value.slice(0, equals)] = value.slice(equals + 1);
}

/** docker's ConvertTmpfsOptions: `ro`, `mode=<octal>`, `size=<n>[g|m|k]` (largest exact unit). */
export function formatTmpfsData(readOnly: boolean, sizeBytes: number, mode: number): string {
  const options: string[] = [];
  if (readOnly) options.push("ro");
  if (mode !== 0) options.push(`mode=${mode.toString(8)}`);
  if (sizeBytes !== 0) {
    const unit = ([["g", 2 ** 30], ["m", 2 ** 20], ["k", 2 ** 10]] as const).find(([, size]) => sizeBytes % size === 0);
    options.push(unit === undefined ? `size=${sizeBytes}` : `size=${sizeBytes / unit[1]}${unit[0]}`);
  }
  return options.join(",");
}

/** The CLI's MountOpt.Set: key=value fields; errors are pflag's `invalid argument … for "--mount" flag`. */
function readMountFlag(text: string): { request: MountRequest; rawTarget: string; checks: MountChecks } {
  const request = blankRequest("volume");
  let rawTarget = "";
  let hasBindOptions = false;
  let hasVolumeOptions = false;
  let tmpfsSize: number | undefined;
  let tmpfsMode: number | undefined;
  for (const field of readCsvRecord(text)) {
    const equals = field.indexOf("=");
    const key = (equals < 0 ? field : field.slice(0, equals)).toLowerCase();
    const value = field.slice(equals + 1);
    if (equals < 0) {
      if (key === "readonly" || key === "ro") request.readOnly = true;
      else if (key === "volume-nocopy") [request.noCopy, hasVolumeOptions] = [true, true];
      else if (key === "bind-nonrecursive") [request.nonRecursive, hasBindOptions] = [true, true];
      else throw new Error(`invalid field '${field}' must be a key=value pair`);
      continue;
    }
    switch (key) {
      case "type": request.type = value.toLowerCase() as MountType; break;
      case "source": case "src": request.source = value; break;
      case "target": case "dst": case "destination": rawTarget = value; break;
      case "readonly": case "ro": request.readOnly = parseBool(key, value); break;
      case "consistency": break;
      case "bind-propagation": request.propagation = value.toLowerCase() as Propagation; hasBindOptions = true; break;
      case "bind-nonrecursive": request.nonRecursive = parseBool(key, value); hasBindOptions = true; break;
      case "volume-nocopy": request.noCopy = parseBool(key, value); hasVolumeOptions = true; break;
      case "volume-label": setOnMap(request.volumeLabels, value); hasVolumeOptions = true; break;
      case "volume-driver": request.volumeDriver = value; hasVolumeOptions = true; break;
      case "volume-opt": setOnMap(request.volumeOptions, value); hasVolumeOptions = true; break;
      case "tmpfs-size":
        try {
          tmpfsSize = parseMemoryBytes(value);
        } catch {
          throw new Error(`invalid value for ${key}: ${value}`);
        }
        break;
      case "tmpfs-mode":
        if (!/^[0-7]+$/.test(value) || Number.parseInt(value, 8) > 0xffffffff) throw new Error(`invalid value for ${key}: ${value}`);
        tmpfsMode = Number.parseInt(value, 8);
        break;
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if ((request.type as string) === "") throw new Error("type is required");
  if (rawTarget === "") throw new Error("target is required");
  const hasTmpfsOptions = tmpfsSize !== undefined || tmpfsMode !== undefined;
  if (hasVolumeOptions && request.type !== "volume") throw new Error(`cannot mix 'volume-*' options with mount type '${request.type}'`);
  if (hasBindOptions && request.type !== "bind") throw new Error(`cannot mix 'bind-*' options with mount type '${request.type}'`);
  if (hasTmpfsOptions && request.type !== "tmpfs") throw new Error(`cannot mix 'tmpfs-*' options with mount type '${request.type}'`);
  if (request.type === "tmpfs") request.tmpfsData = formatTmpfsData(request.readOnly, tmpfsSize ?? 0, tmpfsMode ?? 0);
  return { request, rawTarget, checks: { hasBindOptions, hasVolumeOptions } };
}

/**
 * `--mount type=bind|volume|tmpfs,source=…,target=…[,readonly][,bind-propagation=…]
 * [,volume-nocopy][,tmpfs-size=64m][,tmpfs-mode=1777]` (src, dst/destination, ro aliases; the
 * CLI's CSV fields). Throws INVALID_ARGUMENT with the CLI's message wrapped by pflag
 * (`invalid argument "type=bind" for "--mount" flag: target is required`) or the daemon's
 * (`invalid mount config for type "bind": field Source must not be empty`,
 * `invalid mount config for type "foo": mount type unknown`).
 */
export function parseMountSpec(text: string): MountRequest {
  let parsed: ReturnType<typeof readMountFlag>;
  try {
    parsed = readMountFlag(text);
  } catch (error) {
    throw invalidFlagValue("--mount", text, (error as Error).message);
  }
  const { request, rawTarget, checks } = parsed;
  const problem = validateMount(request, rawTarget, checks);
  if (problem !== undefined) throw invalidArgument(mountConfigError(request.type, problem));
  request.target = cleanPosixPath(rawTarget);
  if (request.type === "bind") request.source = cleanPosixPath(request.source);
  if (request.type === "volume" && request.source !== "" && request.volumeDriver === "") validateVolumeName(request.source);
  return request;
}

/** One `--tmpfs` entry: HostConfig.Tmpfs maps the path to its option text. */
export interface TmpfsRequest {
  target: string;
  data: string;
}

const flagOptions = new Map<string, string>([
  ...["ro", "rw"].map((o) => [o, "rdonly"] as const), ...["suid", "nosuid"].map((o) => [o, "nosuid"] as const),
  ...["dev", "nodev"].map((o) => [o, "nodev"] as const), ...["exec", "noexec"].map((o) => [o, "noexec"] as const),
  ...["sync", "async"].map((o) => [o, "sync"] as const), ["dirsync", "dirsync"], ["remount", "remount"],
  ...["mand", "nomand"].map((o) => [o, "mand"] as const), ...["atime", "noatime"].map((o) => [o, "noatime"] as const),
  ...["diratime", "nodiratime"].map((o) => [o, "nodiratime"] as const),
  ...["relatime", "norelatime"].map((o) => [o, "relatime"] as const),
  ...["strictatime", "nostrictatime"].map((o) => [o, "strictatime"] as const),
  ...["bind", "rbind", "unbindable", "runbindable", ...PROPAGATION_MODES].map((o) => [o, "propagation"] as const),
]);
const tmpfsDataKeys = new Set(["", "size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"]);

/**
 * moby's MergeTmpfsOptions: the last of conflicting flags wins (ro/rw, exec/noexec, one
 * propagation…), data options (size, mode, uid, gid, nr_inodes, nr_blocks, mpol) keep their last
 * value; `defaults` is dropped. Throws `Invalid tmpfs option ["foo"]` like docker.
 */
export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seen = new Set<string>();
  const merged: string[] = [];
  for (const option of [...options].reverse()) {
    if (option === "defaults") continue;
    const flag = flagOptions.get(option);
    const equals = option.indexOf("=");
    const key = flag ?? (equals < 0 ? undefined : `data:${option.slice(0, equals)}`);
    if (key === undefined || (flag === undefined && !tmpfsDataKeys.has(option.slice(0, equals)))) {
      const parts = equals < 0 ? [option] : [option.slice(0, equals), option.slice(equals + 1)];
      throw invalidArgument(`Invalid tmpfs option [${parts.map((part) => JSON.stringify(part)).join(" ")}]`);
    }
    if (seen.has(key)) continue;
    seen.add(key);
    merged.unshift(option);
  }
  return merged;
}

/** The mount options of a user tmpfs: docker's noexec,nosuid,nodev,rprivate then the user's data. */
export function tmpfsMountOptions(data: string): string[] {
  return mergeTmpfsOptions(["noexec", "nosuid", "nodev", "rprivate", ...(data === "" ? [] : data.split(","))]);
}

/**
 * `--tmpfs /path[:options]` (options are mount options: `rw,size=64m,mode=1777,uid=1000`). The
 * destination is checked like docker's (absolute, not `/`), the options like MergeTmpfsOptions.
 */
export function parseTmpfsSpec(text: string): TmpfsRequest {
  const colon = text.indexOf(":");
  const target = colon < 0 ? text : text.slice(0, colon);
  const data = colon < 0 ? "" : text.slice(colon + 1);
  const slashed = target.replaceAll("\\", "/");
  if (cleanPosixPath(slashed) === "/") throw invalidArgument("invalid specification: destination can't be '/'");
  if (!slashed.startsWith("/")) throw invalidArgument(`invalid mount path: '${slashed}' mount path must be absolute`);
  tmpfsMountOptions(data);
  return { target: cleanPosixPath(slashed), data };
}
