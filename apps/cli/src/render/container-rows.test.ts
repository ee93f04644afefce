import { describe, expect, it } from "vitest";
import type { ContainerSummary } from "@berth/core";
import { renderRows } from "../output.js";
import { buildContainerRows, containerHeaderNames, defaultContainerTableFormat, defaultContainerTableFormatWithSize } from "./container-rows.js";

const now = new Date("2024-06-01T12:00:00Z");
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

function container(overrides: Partial<ContainerSummary> & { id: string }): ContainerSummary {
  return {
    name: "web",
    image: "busybox",
    imageId: `sha256:${"9".repeat(64)}`,
    command: "httpd -f",
    created: minutesAgo(5),
    state: "running",
    status: "Up 5 minutes",
    exitCode: 0,
    labels: {},
    ports: "",
    ...overrides,
  };
}

const running = container({ id: "a".repeat(64) });
const exited = container({
  id: "b".repeat(64),
  name: "job",
  command: "sh -c 'echo \"hello world\"; exit 7'",
  created: minutesAgo(60),
  state: "exited",
  status: "Exited (7) 3 seconds ago",
  exitCode: 7,
  labels: { z: "1", a: "2" },
});

describe("buildContainerRows", () => {
  it("renders docker's table, newest first, the status as the service words it", () => {
    const rows = buildContainerRows([exited, running], { isTruncated: true, now });
    expect(renderRows(defaultContainerTableFormat, containerHeaderNames, rows).split("\n")).toEqual([
      "CONTAINER ID   IMAGE     COMMAND                   CREATED             STATUS                     PORTS     NAMES",
      'aaaaaaaaaaaa   busybox   "httpd -f"                5 minutes ago       Up 5 minutes                         web',
      'bbbbbbbbbbbb   busybox   "sh -c \'echo \\"hello …"   About an hour ago   Exited (7) 3 seconds ago             job',
      "",
    ]);
  });

  it("cuts the command to 20 characters with … before quoting, unless --no-trunc", () => {
    const [row] = buildContainerRows([exited], { isTruncated: true, now });
    expect(row!.Command).toBe('"sh -c \'echo \\"hello …"');
    const [full] = buildContainerRows([exited], { isTruncated: false, now });
    expect(full!.Command).toBe(JSON.stringify(exited.command));
    expect(full!.ID).toBe("b".repeat(64));
  });

  it("shortens an image given by id or digest, only when truncating", () => {
    const byId = container({ id: "c".repeat(64), image: `sha256:${"9".repeat(64)}` });
    const byDigest = container({ id: "d".repeat(64), image: `localhost:5000/app:1@sha256:${"e".repeat(64)}` });
    const bareDigest = container({ id: "e".repeat(64), image: `alpine@sha256:${"e".repeat(64)}` });
    const images = (isTruncated: boolean) => buildContainerRows([byId, byDigest, bareDigest], { isTruncated, now }).map((row) => row.Image);
    expect(images(true)).toEqual(["999999999999", "localhost:5000/app:1", "alpine"]);
    expect(images(false)).toEqual([byId.image, byDigest.image, bareDigest.image]);
  });

  it("gives --format docker's other fields", () => {
    const [row] = buildContainerRows([exited], { isTruncated: true, now });
    expect(row).toMatchObject({ State: "exited", Labels: "a=2,z=1", Ports: "", CreatedAt: "2024-06-01 11:00:00 +0000 UTC", RunningFor: "About an hour ago" });
  });

  it("shows the size with -s: writable layer, then the virtual total", () => {
    const sized = container({ id: "f".repeat(64), sizeRw: 2, sizeRootFs: 4_261_000 });
    const rows = buildContainerRows([sized], { isTruncated: true, now });
    expect(rows[0]!.Size).toBe("2B (virtual 4.26MB)");
    expect(renderRows(defaultContainerTableFormatWithSize, containerHeaderNames, rows).split("\n")[0]).toMatch(/NAMES +SIZE$/);
    expect(buildContainerRows([running], { isTruncated: true, now })[0]!.Size).toBe("");
  });
});
