import { writeFile } from "node:fs/promises";
import { BerthError } from "@berth/core";
import { runTool } from "../host/run-tool.js";

// The host side of networking through its own tools: `ip` (iproute2) for devices, addresses and
// routes, `iptables-save`/`iptables-restore` for berth's chains, /proc/sys for the sysctls berth needs.

const env = { LC_ALL: "C", PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" };

const run = (command: string, args: readonly string[], input?: string) => runTool(command, args, { env, ...(input === undefined ? {} : { input }) });

/** `ip ARGS`; throws INTERNAL with ip's message unless it succeeds (or `tolerate` matches its error). */
export async function ip(args: readonly string[], tolerate?: RegExp): Promise<string> {
  const result = await run("ip", args);
  if (result.exitCode !== 0 && !(tolerate?.test(result.stderr) ?? false)) {
    throw new BerthError("INTERNAL", `ip ${args.join(" ")}: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

/**
 * `ip -batch -` on the host: one process for many commands. With `tolerate`, ip goes on past a
 * failed command (`-force`) and only errors that all match it are accepted.
 */
export async function ipBatch(commands: readonly string[], tolerate?: RegExp): Promise<void> {
  if (commands.length === 0) return;
  const result = await run("ip", [...(tolerate ? ["-force"] : []), "-batch", "-"], `${commands.join("\n")}\n`);
  const errors = result.stderr.split("\n").map((line) => line.trim()).filter((line) => line !== "" && !/^Command failed /.test(line));
  if (result.exitCode !== 0 && (tolerate === undefined || errors.length === 0 || !errors.every((line) => tolerate.test(line)))) {
    throw new BerthError("INTERNAL", `ip: ${errors.join("; ") || result.stderr.trim()}`);
  }
}

/** `ip -batch -` in the network namespace pinned at `handle` (one process for many commands). */
export async function ipBatchInNamespace(handle: string, commands: readonly string[]): Promise<void> {
  const result = await run("nsenter", [`--net=${handle}`, "ip", "-batch", "-"], `${commands.join("\n")}\n`);
  if (result.exitCode !== 0) throw new BerthError("INTERNAL", `cannot configure the container's network: ${result.stderr.trim()}`);
}

/** `iptables-restore --noflush` of one table's text (only the chains it declares are replaced). */
export async function iptablesRestore(text: string): Promise<void> {
  const result = await run("iptables-restore", ["--noflush", "--wait"], text);
  if (result.exitCode !== 0) throw new BerthError("INTERNAL", `iptables-restore: ${result.stderr.trim()}`);
}

/** `iptables-save`: the whole IPv4 ruleset as text, one check of what exists. */
export async function iptablesSave(): Promise<string> {
  const result = await run("iptables-save", []);
  if (result.exitCode !== 0) throw new BerthError("INTERNAL", `iptables-save: ${result.stderr.trim()}`);
  return result.stdout;
}

export async function setSysctl(key: string, value: string): Promise<void> {
  await writeFile(`/proc/sys/${key.replaceAll(".", "/")}`, value);
}

/** IPv4 destinations the host routes (every table), default routes left out. */
export async function hostRoutes(): Promise<string[]> {
  const text = await ip(["-4", "-o", "route", "show", "table", "all"]);
  return text.split("\n").map((line) => line.trim().split(/\s+/)).map((words) => (words[0] === "local" || words[0] === "broadcast" ? words[1] : words[0]) ?? "")
    .filter((dest) => dest !== "" && dest !== "default" && !dest.startsWith("127."));
}
