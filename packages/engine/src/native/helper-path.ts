import { fileURLToPath } from "node:url";

/**
 * Where the berth-init binary is: `BERTH_INIT` when set, else what `native/build.sh` built in this
 * package (`native/build/berth-init`, two levels above both `src/native/` and `dist/native/`).
 */
export function berthInitPath(): string {
  const override = process.env.BERTH_INIT;
  if (override) return override;
  return fileURLToPath(new URL("../../native/build/berth-init", import.meta.url));
}
