// Docker's Linux runtime defaults (formats.md §9; moby oci/defaults.go, oci/caps, runc specconv).

/** Every Linux capability by number (CAP_CHOWN = 0 … CAP_CHECKPOINT_RESTORE = 40). */
export const LINUX_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
  "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
  "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
  "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
  "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
];

/** Docker's default set, in docker's order (bounding = permitted = effective; inheritable empty). */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** Masked with /dev/null (files) or an empty read-only tmpfs (directories); cleared by --privileged. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
];

/** Bound read-only over themselves; cleared by --privileged. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
];

/** `PATH` of a Linux container whose config sets none (moby pkg/system/path.go). */
export const DEFAULT_PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** 64 MiB: /dev/shm without --shm-size. */
export const DEFAULT_SHM_SIZE = 67_108_864;

/** Seconds between StopSignal and SIGKILL without --stop-timeout / `stop -t`. */
export const DEFAULT_STOP_TIMEOUT = 10;

/** One devices-cgroup rule; `"*"` is a wildcard major or minor. */
export interface DeviceRule {
  allow: boolean;
  /** `a` all, `c` char, `b` block. */
  type: "a" | "c" | "b";
  major: number | "*";
  minor: number | "*";
  access: string;
}

const rule = (allow: boolean, type: DeviceRule["type"], major: number | "*", minor: number | "*", access = "rwm") => ({
  allow, type, major, minor, access,
});

/**
 * The device rules a docker container ends up with, in the order they are applied: docker's spec
 * (deny all; null, zero, urandom, random, tty, console; deny fuse) followed by what runc appends
 * (mknod of any node; null, random, full, tty, zero, urandom; /dev/pts/*, ptmx, tun).
 */
export const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  rule(false, "a", "*", "*"),
  rule(true, "c", 1, 5),
  rule(true, "c", 1, 3),
  rule(true, "c", 1, 9),
  rule(true, "c", 1, 8),
  rule(true, "c", 5, 0),
  rule(true, "c", 5, 1),
  rule(false, "c", 10, 229),
  rule(true, "c", "*", "*", "m"),
  rule(true, "b", "*", "*", "m"),
  rule(true, "c", 1, 3),
  rule(true, "c", 1, 8),
  rule(true, "c", 1, 7),
  rule(true, "c", 5, 0),
  rule(true, "c", 1, 5),
  rule(true, "c", 1, 9),
  rule(true, "c", 136, "*"),
  rule(true, "c", 5, 2),
  rule(true, "c", 10, 200),
];

/** A --privileged container may use every device. */
export const PRIVILEGED_DEVICE_RULES: readonly DeviceRule[] = [rule(true, "a", "*", "*")];

/** The cgroup v1 `devices.allow` / `devices.deny` line of a rule: `c 1:5 rwm`, `a *:* rwm`. */
export function formatDeviceRule(deviceRule: DeviceRule): string {
  return `${deviceRule.type} ${deviceRule.major}:${deviceRule.minor} ${deviceRule.access}`;
}

/** The 16-hex-digit mask /proc/<pid>/status prints for a capability set (CapEff, CapBnd…). */
export function formatCapabilityMask(capabilities: readonly string[]): string {
  let mask = 0n;
  for (const capability of capabilities) {
    const bit = LINUX_CAPABILITIES.indexOf(capability);
    if (bit < 0) throw new RangeError(`unknown capability ${capability}`);
    mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, "0");
}
