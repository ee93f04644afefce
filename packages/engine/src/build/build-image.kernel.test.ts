import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { FIXTURE } from "../test-support/build-fixture.js";
import { build, imageId, useContextDirs } from "../test-support/build-helpers.js";
import { containerLeftovers, runAttached, useContainerRoots } from "../test-support/container-root.js";
import { builtEngineUrl, killChild, startEngineChild } from "../test-support/engine-child.js";
import { BUILD_OWNER_LABEL } from "./step-container.js";

// berth build on the real kernel: the acceptance fixture and its layer story, the cache
// (a rebuild gives the same ID), RUN failures, multi-stage, scratch, ADD of tars and URLs,
// .dockerignore, a tar context, and bad input naming the file and line with nothing tagged.

const freshRoot = useContainerRoots();
const contextDir = useContextDirs();

describe("berth build", () => {
  it("builds the acceptance fixture with docker's layer story, and a rebuild is fully cached with the same ID", async () => {
    const { engine } = await freshRoot();
    const dir = await contextDir(FIXTURE);
    const { result, output } = await build(engine, dir, { tags: ["localhost/pop:1"] });
    expect(result.status).toBe("built");
    const id = (result as { imageId: string }).imageId;
    expect(output).toMatch(/^Step 1\/12 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/12 : RUN mkdir -p \/app\/logs\/\n ---> Running in [0-9a-f]{12}\n/);
    expect(output).toContain("Step 12/12 : CMD [\"/etc/kickStart.d/kick_start.sh\"]\n");
    expect(output).toMatch(/Successfully built [0-9a-f]{12}\nSuccessfully tagged localhost\/pop:1\n$/);

    const history = await engine.images.history("localhost/pop:1");
    const base = await engine.images.history("busybox");
    const own = history.slice(0, history.length - base.length).reverse();
    expect(own.map((row) => row.createdBy.replace(/(file|dir):[0-9a-f]{64}/, "$1:<hash>"))).toEqual([
      "/bin/sh -c mkdir -p /app/logs/",
      "/bin/sh -c #(nop) ADD dir:<hash> in /usr/local/services/pop-admin-server/ ",
      "/bin/sh -c #(nop) COPY file:<hash> in /etc/supervisord.d/ ",
      "/bin/sh -c #(nop) COPY file:<hash> in /etc/kickStart.d/ ",
      "/bin/sh -c mkdir -p /usr/local/services/pop-admin-server/importfile",
      "/bin/sh -c mkdir -p /usr/local/services/pop-admin-server/upload",
      "/bin/sh -c #(nop)  ENV GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn",
      "/bin/sh -c #(nop)  ENV LANG=en_US.UTF-8",
      "/bin/sh -c chmod +x /etc/kickStart.d/kick_start.sh",
      "/bin/sh -c #(nop)  EXPOSE 8000",
      '/bin/sh -c #(nop)  CMD ["/etc/kickStart.d/kick_start.sh"]',
    ]);
    expect(own.map((row) => row.emptyLayer)).toEqual([false, false, false, false, false, false, true, true, false, true, true]);
    expect(own.map((row) => row.size).slice(1, 4)).toEqual([17, 14, 97]);
    // Every row is a stored image whose parent is the row below: <none> intermediates in images -a.
    const all = await engine.images.list({ all: true });
    const byId = new Map(all.map((image) => [image.id, image]));
    for (const [index, row] of history.slice(0, own.length).entries()) {
      expect(byId.get(row.id)?.parentId).toBe(history[index + 1]!.id);
    }
    expect(all.filter((image) => image.repoTags.length === 0)).toHaveLength(own.length - 1);
    expect((await engine.images.list()).map((image) => image.repoTags[0]).sort()).toEqual(["busybox:latest", "localhost/pop:1"]);

    const inspect = (await engine.images.inspect(id)) as { Config: Record<string, unknown> };
    expect(inspect.Config).toMatchObject({
      Cmd: ["/etc/kickStart.d/kick_start.sh"],
      ExposedPorts: { "8000/tcp": {} },
      Env: expect.arrayContaining(["GOLANG_PROTOBUF_REGISTRATION_CONFLICT=warn", "LANG=en_US.UTF-8"]),
    });
    const files = await runAttached(engine, {
      image: id,
      cmd: ["sh", "-c", "ls /app /usr/local/services/pop-admin-server; cat /etc/supervisord.d/supervisord.ini; ls -l /etc/kickStart.d/kick_start.sh"],
    });
    expect(files.stdout).toContain("/app:\nlogs\n\n/usr/local/services/pop-admin-server:\nbin\netc\nimportfile\nupload\n[program:pop]\n-rwxr-xr-x    1 root     root");

    // The image's start script serves its page (published ports are the networking issue's).
    const served = await runAttached(engine, { image: id, entrypoint: "sh", cmd: ["-c", "/etc/kickStart.d/kick_start.sh & sleep 1; wget -qO- http://127.0.0.1:8000/"] });
    expect(served.stdout).toBe("hello from berth\n");

    const again = await build(engine, dir, { tags: ["localhost/pop:2"] });
    expect(again.result).toEqual({ status: "built", imageId: id });
    expect(again.output.match(/ ---> Using cache\n/g)).toHaveLength(11);
    expect(again.output).not.toContain("Running in");

    const cold = await imageId(engine, dir, { noCache: true });
    expect(cold).not.toBe(id);
    expect((await engine.images.list({ all: true })).length).toBe(all.length + 11);
  }, 300_000);

  it("stops at a failing RUN with its exit code and output, tags nothing, and keeps the steps before it cached", async () => {
    const { engine } = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nRUN echo one > /one\nRUN echo oops; exit 3\nRUN echo never\n" });
    const { result, output } = await build(engine, dir, { tags: ["localhost/failed"] });
    expect(result).toEqual({ status: "failed", exitCode: 3, message: "The command '/bin/sh -c echo oops; exit 3' returned a non-zero code: 3" });
    expect(output).toContain("oops\n");
    expect(output).not.toContain("never");
    await expect(engine.images.inspect("localhost/failed")).rejects.toThrow("No such image");
    // The failed step's container stays (docker's --rm only removes after success); --force-rm removes it.
    expect(await engine.containers.list({ all: true })).toHaveLength(1);
    const retry = await build(engine, dir, { forceRemove: true });
    expect(retry.output).toMatch(/Step 2\/4 : RUN echo one > \/one\n ---> Using cache\n/);
    expect(retry.result.status).toBe("failed");
    expect(await engine.containers.list({ all: true })).toHaveLength(1);
  }, 300_000);

  it("builds multi-stage files: COPY --from a stage or an image, --target, FROM scratch, build args", async () => {
    const { engine } = await freshRoot();
    const dir = await contextDir({
      Dockerfile: `ARG BASE=busybox
FROM $BASE AS build
ARG GREETING=hello
RUN mkdir /out && echo "$GREETING" > /out/msg && ln -s msg /out/link
ARG BASE
RUN echo "$BASE" > /out/base
FROM scratch AS final
COPY --from=build /out/ /data/
COPY --from=busybox /bin/busybox /bin/sh
CMD ["/bin/sh", "-c", "cat /data/msg"]
FROM final AS later
LABEL stage=later
`,
    });
    const id = await imageId(engine, dir, { target: "final", buildArgs: { GREETING: "hi there", UNUSED: "x" }, labels: { team: "berth" } });
    const config = ((await engine.images.inspect(id)) as { Config: Record<string, unknown> }).Config;
    expect(config).toMatchObject({ Cmd: ["/bin/sh", "-c", "cat /data/msg"], Labels: { team: "berth" } });
    expect(config.Labels).not.toHaveProperty("stage");
    const history = await engine.images.history(id);
    expect(history.map((row) => row.createdBy)).toEqual([
      '/bin/sh -c #(nop)  LABEL team=berth',
      '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "cat /data/msg"]',
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/bin\/sh $/),
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) COPY dir:[0-9a-f]{64} in \/data\/ $/),
    ]);
    const run = await runAttached(engine, { image: id });
    expect(run).toMatchObject({ exitCode: 0, stdout: "hi there\n" });
    expect((await runAttached(engine, { image: id, cmd: ["/bin/sh", "-c", "cat /data/base; readlink /data/link"] })).stdout).toBe("busybox\nmsg\n");
    const { output } = await build(engine, dir, { target: "final", buildArgs: { GREETING: "hi there", UNUSED: "x" } });
    expect(output).toContain("[Warning] One or more build-args [UNUSED] were not consumed\n");
    expect(output).toContain("Step 3/9 : RUN mkdir /out && echo \"$GREETING\" > /out/msg && ln -s msg /out/link\n ---> Using cache\n");
    expect(output).toContain("Step 6/9 : FROM scratch AS final\n ---> \n");
  }, 300_000);

  it("extracts a local tar with ADD, reads a tar context from a stream, and honours .dockerignore", async () => {
    const { engine } = await freshRoot();
    const dir = await contextDir({ "payload/a.txt": "A\n", "payload/sub/b.txt": "B\n", "secret.key": "no\n", "notes.md": "x\n", ".dockerignore": "*.key\n**/*.md\n" });
    await execa("tar", ["-czf", join(dir, "payload.tgz"), "-C", join(dir, "payload"), "."]);
    await writeFile(join(dir, "Dockerfile"), "FROM busybox\nADD payload.tgz /opt/p/\nCOPY . /ctx/\nWORKDIR /ctx/sub\nRUN pwd > /pwd\n");
    const id = await imageId(engine, dir);
    const listing = await runAttached(engine, { image: id, cmd: ["sh", "-c", "cat /opt/p/a.txt /opt/p/sub/b.txt; ls /ctx; cat /pwd"] });
    expect(listing.stdout).toBe("A\nB\nDockerfile\npayload\npayload.tgz\nsub\n/ctx/sub\n");

    const tar = await execa("tar", ["-c", "-C", dir, "."], { encoding: "buffer" });
    const fromStream = await engine.builds.build({
      context: { kind: "stream", stream: (async function* () { yield tar.stdout as Uint8Array; })() },
    });
    expect(fromStream).toEqual({ status: "built", imageId: id });
  }, 300_000);

  it("reports bad input with the file and line, exits non-zero and tags nothing", async () => {
    const { engine } = await freshRoot();
    const before = (await engine.images.list({ all: true })).length;
    const closed = await closedPort();
    const cases: Array<[string, string]> = [
      ["FROM busybox\nFOO bar\n", "Dockerfile:2: unknown instruction: FOO"],
      ["RUN true\n", "Dockerfile:1: no build stage in current context"],
      ["FROM busybox\nCOPY missing.txt /x\n", "Dockerfile:2: COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist"],
      ["FROM busybox\nCOPY ../outside /x\n", "Dockerfile:2: forbidden path outside the build context: ../outside ()"],
      ["FROM busybox\nCOPY --from=nostage /a /b\n", "Dockerfile:2: invalid from flag value nostage: No such image: nostage"],
      ["FROM busybox AS a\nCOPY --from=a /bin/sh /x\n", "Dockerfile:2: circular dependency detected on stage: a"],
      ['FROM busybox\nSHELL ["/bin/sh", "-c"\n', "Dockerfile:2: SHELL requires the arguments to be in JSON form"],
      [`FROM busybox\nADD http://127.0.0.1:${closed}/file.txt /x\n`, `Dockerfile:2: error downloading http://127.0.0.1:${closed}/file.txt: connect ECONNREFUSED 127.0.0.1:${closed}`],
      ["FROM localhost/not-here:1\n", "Dockerfile:1: No such image: localhost/not-here:1"],
    ];
    for (const [text, message] of cases) {
      const dir = await contextDir({ Dockerfile: text });
      await expect(build(engine, dir, { tags: ["localhost/bad"] })).rejects.toThrow(message);
    }
    // Like docker, an unterminated JSON array where a shell form is allowed is a shell command.
    const shellForm = await imageId(engine, await contextDir({ Dockerfile: 'FROM busybox\nCMD ["unterminated"\n' }));
    expect(((await engine.images.inspect(shellForm)) as { Config: { Cmd: string[] } }).Config.Cmd).toEqual(["/bin/sh", "-c", '["unterminated"']);
    // ONBUILD is stored, then run by a child's FROM (and not inherited further).
    await imageId(engine, await contextDir({ Dockerfile: "FROM busybox\nONBUILD RUN echo triggered > /t\n" }), { tags: ["localhost/parent"] });
    const { result, output } = await build(engine, await contextDir({ Dockerfile: "FROM localhost/parent\n" }));
    expect(output).toContain("# Executing 1 build trigger\n");
    const child = (result as { imageId: string }).imageId;
    expect((await runAttached(engine, { image: child, cmd: ["cat", "/t"] })).stdout).toBe("triggered\n");
    expect(((await engine.images.inspect(child)) as { Config: Record<string, unknown> }).Config.OnBuild ?? null).toBeNull();
    await expect(engine.images.inspect("localhost/bad")).rejects.toThrow("No such image");
    expect((await engine.images.list({ all: true })).length).toBe(before + 3);
  }, 300_000);

  it("kills and removes a running step's container when the build is aborted", async () => {
    const { engine } = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nRUN echo started; sleep 60\n" });
    const controller = new AbortController();
    let output = "";
    const building = engine.builds.build({
      context: { kind: "dir", path: dir },
      signal: controller.signal,
      onOutput: (text) => {
        output += text;
        if (output.includes("started\n")) controller.abort();
      },
    });
    await expect(building).rejects.toThrow("the build was interrupted");
    expect(await engine.containers.list({ all: true })).toEqual([]);
  }, 300_000);

  it("after a SIGKILLed build, the next build removes its step container, mount and half-made layer", async () => {
    const root = await freshRoot();
    const dir = await contextDir({ Dockerfile: "FROM busybox\nRUN echo started; sleep 300\n" });
    const child = startEngineChild(await builtEngineUrl(), root.root, { kind: "build", path: dir });
    try {
      await expect.poll(() => child.messages.some((message) => message.text === "started\n"), { timeout: 120_000 }).toBe(true);
    } finally {
      await killChild(child);
    }
    const [left] = await root.engine.containers.list({ all: true });
    expect(left).toMatchObject({ state: "running", labels: { [BUILD_OWNER_LABEL]: String(child.process.pid) } });
    const next = await imageId(root.engine, await contextDir({ Dockerfile: "FROM busybox\nLABEL after=kill\n" }));
    expect(next).toMatch(/^sha256:/);
    expect(await root.engine.containers.list({ all: true })).toEqual([]);
    expect(containerLeftovers(root, left!.id)).toEqual([]);
  }, 300_000);
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
