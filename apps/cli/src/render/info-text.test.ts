import { describe, expect, it } from "vitest";
import type { SystemInfo } from "@berth/core";
import { formatInfo, infoTemplateData } from "./info-text.js";

const info: SystemInfo = {
  settings: {
    root: { value: "/tmp/r", source: "env BERTH_ROOT" },
    log_level: { value: "warn", source: "default" },
  },
  images: 3,
  layers: 4,
  storageDriver: "overlay",
  cgroupVersion: "2",
  kernelVersion: "6.1.0",
  databaseProvider: "sqlite",
  databaseSchemaVersion: "20240101000000_init",
};

describe("formatInfo", () => {
  it("prints each setting with its source, then the counts", () => {
    expect(formatInfo(info)).toBe(
      [
        "Settings:",
        " log_level:  warn  (default)",
        " root:       /tmp/r  (env BERTH_ROOT)",
        "",
        "Images: 3",
        "Layers: 4",
        "Storage Driver: overlay",
        "Cgroup Version: 2",
        "Kernel Version: 6.1.0",
        "Database: sqlite",
        "Database Schema Version: 20240101000000_init",
        "",
      ].join("\n"),
    );
  });

  it("offers docker's field names to templates", () => {
    expect(infoTemplateData(info)).toMatchObject({ Images: 3, Driver: "overlay", Settings: { root: { Value: "/tmp/r" } } });
  });
});
