/** Exit codes of berth-init, docker's runtime codes. */
export const HELPER_EXIT = {
  /** berth-init itself failed (a bad option, a syscall): docker's 125. */
  failed: 125,
  /** The command exists but cannot be executed: docker's 126. */
  cannotExecute: 126,
  /** The command was not found: docker's 127. */
  notFound: 127,
} as const;

const PREFIX = "berth-init: ";

/**
 * berth-init's own messages in a stderr text, without their `berth-init: ` prefix, e.g.
 * `exec: "foo": executable file not found in $PATH` or `join cgroup /sys/…: No such file or directory`.
 */
export function helperMessages(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith(PREFIX))
    .map((line) => line.slice(PREFIX.length));
}
