import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAttached, useContainerRoots } from "../test-support/container-root.js";

// The start plan as berth-init performs it (mounts, masks, read-only paths, /dev, pivot_root),
// checked from inside busybox containers started through the service.

const freshRoot = useContainerRoots();
const sh = (script: string) => ({ image: "busybox", cmd: ["sh", "-c", script] });

describe("a container's filesystem view", () => {
  it("masks docker's /proc paths, keeps /proc/sys and /sys read-only and /dev to the usual nodes", async () => {
    const { engine } = await freshRoot();
    const result = await runAttached(engine, sh([
      "wc -c < /proc/keys", "ls /proc/acpi | wc -l",
      "grep -E ' /proc/sys | /sys | /proc/acpi ' /proc/mounts | cut -d' ' -f2,4 | cut -d, -f1",
      "touch /sys/x 2>/dev/null || echo sys-read-only", "ls -A /dev | tr '\\n' ' '",
    ].join("; ")));
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")).toEqual([
      "0", "0", "/sys ro", "/proc/acpi ro", "/proc/sys ro", "sys-read-only",
      "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero ",
    ]);
    expect(result.exitCode).toBe(0);
  });

  it("--read-only with a working dir, a tmpfs and volumes read-only and read-write", async () => {
    const { engine } = await freshRoot();
    const host = await mkdtemp(join(tmpdir(), "berth-isolation-"));
    try {
      await writeFile(join(host, "hello"), "from the host\n");
      const result = await runAttached(engine, {
        ...sh("pwd; touch /x 2>/dev/null || echo root-read-only; echo t > /run/t && cat /run/t; cat /data/hello; touch /data/y 2>/dev/null || echo data-read-only; echo z > /rw/z"),
        readOnly: true,
        workingDir: "/srv/app",
        tmpfs: ["/run:size=1m"],
        volumes: [`${host}:/data:ro`, `${host}:/rw`],
      });
      expect(result.stderr).toBe("");
      expect(result.stdout).toBe("/srv/app\nroot-read-only\nt\nfrom the host\ndata-read-only\n");
      expect(result.exitCode).toBe(0);
      expect(existsSync(join(host, "z"))).toBe(true);
      expect(existsSync(join(host, "y"))).toBe(false);
    } finally {
      await rm(host, { recursive: true, force: true });
    }
  });

  it("--privileged: no masks, /sys writable", async () => {
    const { engine } = await freshRoot();
    const result = await runAttached(engine, { ...sh("grep -cE ' /proc/(acpi|keys|sys) ' /proc/mounts; grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1"), privileged: true });
    expect(result.stdout).toBe("0\nrw\n");
    expect(result.exitCode).toBe(0);
  });
});
