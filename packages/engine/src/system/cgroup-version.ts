import { readFileSync } from "node:fs";

/**
 * "2" when /sys/fs/cgroup is the unified hierarchy, "1" when controllers are bound to v1
 * hierarchies (this host kind: v1 controllers beside an empty v2 mount).
 */
export function detectCgroupVersion(mounts = readFileSync("/proc/self/mounts", "utf8")): "1" | "2" {
  const unifiedAtRoot = mounts.split("\n").some((line) => {
    const [, target, type] = line.split(" ");
    return target === "/sys/fs/cgroup" && type === "cgroup2";
  });
  return unifiedAtRoot ? "2" : "1";
}
