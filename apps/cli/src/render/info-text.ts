import type { SystemInfo } from "@berth/core";

/** `berth info`: every effective setting with where it came from, then the counts. */
export function formatInfo(info: SystemInfo): string {
  const keys = Object.keys(info.settings).sort();
  const width = Math.max(0, ...keys.map((key) => key.length)) + 3;
  const settings = keys.map((key) => {
    const { value, source } = info.settings[key]!;
    return ` ${`${key}:`.padEnd(width)}${value === "" ? '""' : value}  (${source})`;
  });
  return [
    "Settings:",
    ...settings,
    "",
    `Images: ${info.images}`,
    `Layers: ${info.layers}`,
    `Storage Driver: ${info.storageDriver}`,
    `Cgroup Version: ${info.cgroupVersion}`,
    `Kernel Version: ${info.kernelVersion}`,
    `Database: ${info.databaseProvider}`,
    `Database Schema Version: ${info.databaseSchemaVersion}`,
    "",
  ].join("\n");
}

/** The object `info --format` templates see, with docker's names where docker has one. */
export function infoTemplateData(info: SystemInfo) {
  return {
    Settings: Object.fromEntries(
      Object.entries(info.settings).map(([key, { value, source }]) => [key, { Value: value, Source: source }]),
    ),
    Images: info.images,
    Layers: info.layers,
    Driver: info.storageDriver,
    CgroupVersion: info.cgroupVersion,
    KernelVersion: info.kernelVersion,
    DatabaseProvider: info.databaseProvider,
    DatabaseSchemaVersion: info.databaseSchemaVersion,
  };
}
