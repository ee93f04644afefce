import { existsSync, readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import * as z from "zod";
import { BerthError, type SettingValue } from "@berth/core";

/** Every setting berth reads, validated once here. Later issues add registries, subnets, console. */
const settingsSchema = z
  .object({
    root: z.string().min(1),
    database_url: z.string().min(1).optional(),
    base_image_archive: z.string().min(1),
    log_level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    /**
     * The berth CLI a container's monitor runs as its exit command (`node <cli_path> container
     * cleanup <id>`). Unset: apps/cli/bin/berth of the checkout the engine runs from.
     */
    cli_path: z.string().min(1).optional(),
    /**
     * The default `bridge` network's IPv4 subnet (CIDR) when it is first made. Unset: the first
     * /24 of 10.200.0.0/16 that no host route and no other berth network uses.
     */
    bridge_subnet: z.string().min(1).optional(),
    /**
     * Which cgroup hierarchy containers use: `auto` (v1 when any controller is bound to v1, else
     * v2) or `unified` (the cgroup2 mount even on a hybrid host: no limits unless it offers the
     * controllers, no devices controller, so mounts are nodev; freeze and kill work).
     */
    cgroup_mode: z.enum(["auto", "unified"]),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingKey = keyof Settings;

const defaults: Settings = {
  root: "/var/lib/berth",
  base_image_archive: "/usr/local/share/berth/busybox.tar",
  log_level: "warn",
  cgroup_mode: "auto",
};

const envNames: Partial<Record<SettingKey, string>> = {
  root: "BERTH_ROOT",
  database_url: "BERTH_DATABASE_URL",
  base_image_archive: "BERTH_BASE_IMAGE_ARCHIVE",
  log_level: "BERTH_LOG_LEVEL",
  cli_path: "BERTH_CLI",
  bridge_subnet: "BERTH_BRIDGE_SUBNET",
  cgroup_mode: "BERTH_CGROUP_MODE",
};

export interface LoadedSettings {
  settings: Settings;
  sources: Record<string, SettingValue>;
}

export interface LoadSettingsOptions {
  env?: NodeJS.ProcessEnv;
  /** Values given in code (tests, the console), the highest precedence. */
  overrides?: Partial<Settings>;
  systemConfigPath?: string;
}

function readConfigFile(path: string): Record<string, unknown> {
  try {
    return parseToml(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new BerthError("INVALID_ARGUMENT", `invalid config file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Layers, lowest first: defaults, /etc/berth/config.toml, $BERTH_ROOT/config.toml, $BERTH_CONFIG,
 * environment variables, code overrides. The root is settled first, because the root's own
 * config file lives inside it.
 */
export function loadSettings(options: LoadSettingsOptions = {}): LoadedSettings {
  const env = options.env ?? process.env;
  const layers: { source: string; values: Record<string, unknown> }[] = [];
  const addFile = (path: string | undefined) => {
    if (path && existsSync(path)) layers.push({ source: path, values: readConfigFile(path) });
  };
  addFile(options.systemConfigPath ?? "/etc/berth/config.toml");
  const explicitConfig = env.BERTH_CONFIG;
  if (explicitConfig && !existsSync(explicitConfig)) {
    throw new BerthError("INVALID_ARGUMENT", `config file ${explicitConfig} (BERTH_CONFIG) does not exist`);
  }
  const envLayer: Record<string, unknown> = {};
  const envSources: Record<string, string> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const value = env[name];
    if (value) {
      envLayer[key] = value;
      envSources[key] = `env ${name}`;
    }
  }
  const pick = (key: SettingKey, upTo: typeof layers) =>
    [...upTo].reverse().find((layer) => layer.values[key] !== undefined)?.values[key];
  const explicitValues = explicitConfig ? readConfigFile(explicitConfig) : {};
  const root = (options.overrides?.root ??
    envLayer.root ??
    explicitValues.root ??
    pick("root", layers) ??
    defaults.root) as string;
  addFile(`${root}/config.toml`);
  if (explicitConfig) layers.push({ source: explicitConfig, values: explicitValues });

  const merged: Record<string, unknown> = { ...defaults };
  const sources: Record<string, SettingValue> = {};
  for (const key of Object.keys(defaults)) sources[key] = { value: "", source: "default" };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      merged[key] = value;
      sources[key] = { value: "", source: layer.source };
    }
  }
  for (const [key, value] of Object.entries(envLayer)) {
    merged[key] = value;
    sources[key] = { value: "", source: envSources[key] ?? "env" };
  }
  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    merged[key] = value;
    sources[key] = { value: "", source: "option" };
  }
  merged.root = root;
  const parsed = settingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BerthError("INVALID_ARGUMENT", `invalid setting ${issue?.path.join(".")}: ${issue?.message}`);
  }
  for (const [key, value] of Object.entries(parsed.data)) {
    const entry = sources[key] ?? { value: "", source: "default" };
    entry.value = key === "database_url" ? redactUrl(String(value)) : String(value);
    sources[key] = entry;
  }
  return { settings: parsed.data, sources };
}

/** Hide a password in a database URL before it is shown anywhere. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, "//$1:***@");
}
