import { describe, expect, it } from "vitest";
import { copyBaseName, parseCopyArgs, planArchiveCopy, splitCopyArg } from "./copy-plan.js";

describe("cp arguments", () => {
  it("splits CONTAINER:PATH like docker (absolute and ./ paths are local)", () => {
    expect(splitCopyArg("web:/etc/hosts")).toEqual({ container: "web", path: "/etc/hosts" });
    expect(splitCopyArg("/abs:olute")).toEqual({ path: "/abs:olute" });
    expect(splitCopyArg("./a:b")).toEqual({ path: "./a:b" });
    expect(splitCopyArg("-")).toEqual({ path: "-" });
    expect(() => parseCopyArgs("a", "b")).toThrow("must specify at least one container source");
    expect(() => parseCopyArgs("c:/a", "d:/b")).toThrow("copying between containers is not supported");
  });

  it("keeps a trailing /. as the base name", () => {
    expect(copyBaseName("/tmp/d/.")).toBe(".");
    expect(copyBaseName("/tmp/d/")).toBe("d");
    expect(copyBaseName("/")).toBe("/");
  });
});

describe("planArchiveCopy (docker's PrepareArchiveCopy)", () => {
  const file = { path: "/src/f", isDirectory: false };
  const dir = { path: "/src/d", isDirectory: true };
  it("extracts into an existing directory as is", () => {
    expect(planArchiveCopy(file, { path: "/dst", exists: true, isDirectory: true })).toEqual({ dir: "/dst" });
    expect(planArchiveCopy({ ...file, rebaseName: "link" }, { path: "/dst", exists: true, isDirectory: true })).toEqual({ dir: "/dst", rename: { from: "f", to: "link" } });
  });
  it("otherwise extracts into the parent, renamed to the destination's name", () => {
    expect(planArchiveCopy(file, { path: "/dst/g", exists: true, isDirectory: false })).toEqual({ dir: "/dst", rename: { from: "f", to: "g" } });
    expect(planArchiveCopy(dir, { path: "/dst/new", exists: false, isDirectory: false })).toEqual({ dir: "/dst", rename: { from: "d", to: "new" } });
    expect(planArchiveCopy({ path: "/src/d/.", isDirectory: true }, { path: "/new", exists: false, isDirectory: false })).toEqual({ dir: "/", rename: { from: ".", to: "new" } });
  });
  it("refuses a directory over a file and a file into a missing directory", () => {
    expect(() => planArchiveCopy(dir, { path: "/dst/g", exists: true, isDirectory: false })).toThrow("cannot copy directory");
    expect(() => planArchiveCopy(file, { path: "/dst/new/", exists: false, isDirectory: false })).toThrow("no such directory");
  });
});
