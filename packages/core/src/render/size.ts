import { formatGoFloat } from "./go-number.js";

const decimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"] as const;

/**
 * Docker's `units.HumanSizeWithPrecision(size, 3)`: decimal units (1000), three significant
 * digits, Go `%g` formatting — "0B", "327B", "4.26kB", "13.5MB", "1.24GB" (and, like docker,
 * "1e+03kB" for 999999 bytes).
 */
export function formatHumanSize(bytes: number, precision = 3): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1000 && unit < decimalUnits.length - 1) {
    size /= 1000;
    unit += 1;
  }
  return `${formatGoFloat(size, precision)}${decimalUnits[unit]}`;
}

const binaryUnits = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] as const;

/** Docker's `units.BytesSize`: binary units (1024), Go `%.4g` — "0B", "1.5MiB", "7.652GiB". */
export function formatBinarySize(bytes: number): string {
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < binaryUnits.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return `${formatGoFloat(size, 4)}${binaryUnits[unit]}`;
}
