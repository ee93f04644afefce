import type { VolumeSummary } from "@berth/core";

/** One line of `volume ls`, docker's field names for `--format`. */
export interface VolumeRow {
  Driver: string;
  Name: string;
  Scope: string;
  Mountpoint: string;
  /** `k=v` pairs joined by commas, sorted. */
  Labels: string;
  /** docker's `volume ls` has no usage data: both print N/A (`system df -v` has the numbers). */
  Links: string;
  Size: string;
}

export const volumeHeaderNames = {
  Driver: "DRIVER",
  Name: "VOLUME NAME",
  Scope: "SCOPE",
  Mountpoint: "MOUNTPOINT",
  Labels: "LABELS",
  Links: "LINKS",
  Size: "SIZE",
} as const;

export const defaultVolumeTableFormat = "table {{.Driver}}\t{{.Name}}";

export function buildVolumeRows(volumes: readonly VolumeSummary[]): VolumeRow[] {
  return volumes.map((volume) => ({
    Driver: volume.driver,
    Name: volume.name,
    Scope: "local",
    Mountpoint: volume.mountpoint,
    Labels: Object.entries(volume.labels).sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => `${key}=${value}`).join(","),
    Links: "N/A",
    Size: "N/A",
  }));
}
