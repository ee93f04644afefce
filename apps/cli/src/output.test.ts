import { describe, expect, it } from "vitest";
import { renderObject, renderRows, resolveFormat } from "./output.js";
import { defaultImageTableFormat, imageHeaderNames } from "./render/image-rows.js";

const rows = [
  { Repository: "busybox", Tag: "latest", ID: "aaaaaaaaaaaa", CreatedSince: "3 hours ago", Size: "4.26MB" },
  { Repository: "localhost/tools", Tag: "v1", ID: "bbbbbbbbbbbb", CreatedSince: "2 weeks ago", Size: "327B" },
];

describe("renderRows", () => {
  it("lays out docker's default images table", () => {
    expect(renderRows(defaultImageTableFormat, imageHeaderNames, rows)).toBe(
      [
        "REPOSITORY        TAG       IMAGE ID       CREATED       SIZE",
        "busybox           latest    aaaaaaaaaaaa   3 hours ago   4.26MB",
        "localhost/tools   v1        bbbbbbbbbbbb   2 weeks ago   327B",
        "",
      ].join("\n"),
    );
  });

  it("prints the header alone when there are no rows", () => {
    expect(renderRows(defaultImageTableFormat, imageHeaderNames, [])).toBe("REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n");
  });

  it("prints one line per row for a plain template, and json with sorted keys like docker", () => {
    expect(renderRows("{{.Repository}}:{{.Tag}}", imageHeaderNames, rows)).toBe("busybox:latest\nlocalhost/tools:v1\n");
    expect(renderRows("json", imageHeaderNames, rows.slice(0, 1))).toBe(
      '{"CreatedSince":"3 hours ago","ID":"aaaaaaaaaaaa","Repository":"busybox","Size":"4.26MB","Tag":"latest"}\n',
    );
  });
});

describe("resolveFormat", () => {
  it("reads no format and `table` as the default table", () => {
    expect(resolveFormat(undefined, "table {{.ID}}")).toBe("table {{.ID}}");
    expect(resolveFormat("table", "table {{.ID}}")).toBe("table {{.ID}}");
    expect(resolveFormat("{{.Tag}}", "table {{.ID}}")).toBe("{{.Tag}}");
  });
});

describe("renderObject", () => {
  it("renders one object and ends the line", () => {
    expect(renderObject("{{.Config.Cmd}}", { Config: { Cmd: ["sh"] } })).toBe("[sh]\n");
    expect(renderObject("{{.Nope}}", {}, { missingFields: "no-value" })).toBe("<no value>\n");
  });
});
