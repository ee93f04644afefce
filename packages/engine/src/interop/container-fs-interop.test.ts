import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX_ARCHIVE, useContainerRoots } from "../test-support/container-root.js";
import { startPrivateDockerd, type PrivateDockerd } from "../test-support/private-dockerd.js";

// berth's diff and export next to real Docker (Debian's 20.10, private daemon, overlay2): the same
// script gives the same change lines, and `docker import` of berth's export runs. Nothing is
// pulled: busybox comes from the local archive, and runs use --pull=never.

const SCRIPT = "mkdir /tmp/x && echo hi > /tmp/x/f && rm /bin/ls && rm -rf /usr && mkdir /usr && touch /usr/z && echo p >> /etc/passwd && ln -s /etc/shadow /tmp/s";
const freshRoot = useContainerRoots();

let dockerd: PrivateDockerd;
beforeAll(async () => {
  dockerd = await startPrivateDockerd();
  await dockerd.docker(["load", "-i", BUSYBOX_ARCHIVE]);
}, 180_000);
afterAll(async () => {
  await dockerd?.stop();
}, 120_000);

describe("diff and export next to docker", () => {
  it("reports the same changes as docker diff, and docker import of the export runs", async () => {
    const { engine } = await freshRoot();
    const { id } = await engine.containers.create({ image: "busybox", cmd: ["sh", "-c", SCRIPT] });
    const exitCode = await engine.containers.start(id, { stdout: () => {}, stderr: () => {} });
    expect(exitCode).toBe(0);
    await dockerd.docker(["run", "--name", "fs-interop", "--pull=never", "--network", "none", "busybox", "sh", "-c", SCRIPT]);
    const docker = (await dockerd.docker(["diff", "fs-interop"])).split("\n").sort();
    const berth = (await engine.containers.diff(id)).map((change) => `${change.kind} ${change.path}`).sort();
    expect(berth).toEqual(docker);

    const chunks: Buffer[] = [];
    for await (const chunk of engine.containers.export(id)) chunks.push(Buffer.from(chunk));
    await dockerd.docker(["import", "-", "localhost/berth-export:1"], { input: Buffer.concat(chunks) });
    const out = await dockerd.docker(["run", "--rm", "--pull=never", "--network", "none", "localhost/berth-export:1", "sh", "-c", "cat /tmp/x/f; readlink /tmp/s; ls /usr"]);
    expect(out).toBe("hi\n/etc/shadow\nz");
  });
});
