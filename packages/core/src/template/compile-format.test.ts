import { describe, expect, it } from "vitest";
import { isBerthError } from "../errors.js";
import { compileFormat, type FormatOptions } from "./compile-format.js";

const image = {
  ID: "a416a98b71e2",
  Repository: "busybox",
  Tag: "latest",
  Size: 4_260_000,
  Labels: { "com.example.b": "2", "com.example.a": "1" },
  Names: ["a", "b"],
  Empty: [],
  Config: { Env: ["PATH=/bin"], User: "" },
  Created: new Date("2021-03-04T12:34:56.780Z"),
  Label(key: string) {
    return this.Labels[key as keyof typeof this.Labels] ?? "";
  },
};

const render = (format: string, data: unknown = image, options?: FormatOptions) => compileFormat(format, options).render(data);

function expectTemplateError(action: () => unknown, message: string): void {
  try {
    action();
    expect.unreachable();
  } catch (error) {
    expect(isBerthError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as Error).message).toBe(message);
  }
}

describe("compileFormat: fields and functions", () => {
  it.each([
    ["{{.ID}}", "a416a98b71e2"],
    ["{{.Repository}}:{{.Tag}}", "busybox:latest"],
    ["{{.Config.Env}}", "[PATH=/bin]"],
    ["{{.Size}}", "4260000"],
    ["{{.Labels}}", "map[com.example.a:1 com.example.b:2]"],
    ["{{.Created}}", "2021-03-04 12:34:56.78 +0000 UTC"],
    ["{{json .Labels}}", '{"com.example.b":"2","com.example.a":"1"}'],
    ["{{json .Config}}", '{"Env":["PATH=/bin"],"User":""}'],
    ["{{.Config | json}}", '{"Env":["PATH=/bin"],"User":""}'],
    ["{{json .Created}}", '"2021-03-04T12:34:56.78Z"'],
    ['{{json "<a&b>"}}', '"<a&b>"'],
    ['{{join .Names ", "}}', "a, b"],
    ["{{upper .Repository}} {{lower \"ABC\"}} {{title \"hello wide-world\"}}", "BUSYBOX abc Hello Wide-World"],
    ["{{truncate .ID 4}}", "a416"],
    ["{{pad .Tag 1 2}}|", " latest  |"],
    ["{{len .Names}} {{len .Repository}} {{len .Labels}}", "2 7 2"],
    ["{{index .Names 1}} {{index .Labels \"com.example.a\"}}", "b 1"],
    ['{{.Label "com.example.b"}}', "2"],
    ["{{println .Tag}}", "latest\n"],
    ['{{printf "%-8s|%d" .Tag 42}}', "latest  |42"],
    ['{{split "a:b" ":"}}', "[a b]"],
    ["\\t{{.Tag}}\\n", "\tlatest\n"],
    ["{{/* a comment */}}x", "x"],
    ["a  {{- .Tag -}}  b", "alatestb"],
    ["{{(index .Names 0)}}{{$x := .Tag}}{{$x}}", "alatest"],
  ])("%s", (format, expected) => {
    expect(render(format)).toBe(expected);
  });
});

describe("compileFormat: control structures", () => {
  it.each([
    ["{{if .Tag}}tagged{{else}}untagged{{end}}", "tagged"],
    ["{{if .Empty}}yes{{else}}no{{end}}", "no"],
    ["{{if .Config.User}}u{{else if .Tag}}t{{else}}n{{end}}", "t"],
    ["{{if and .Tag (not .Config.User)}}ok{{end}}", "ok"],
    ['{{if eq .Tag "latest" "1.0"}}eq{{end}}{{if ne .Size 1}}ne{{end}}{{if gt .Size 1}}gt{{end}}', "eqnegt"],
    ["{{range .Names}}[{{.}}]{{end}}", "[a][b]"],
    ["{{range $i, $n := .Names}}{{$i}}={{$n}} {{end}}", "0=a 1=b "],
    ["{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", "com.example.a=1;com.example.b=2;"],
    ["{{range .Empty}}x{{else}}none{{end}}", "none"],
    ["{{range .Names}}{{$.Tag}}{{end}}", "latestlatest"],
    ["{{with .Config}}{{.Env}}{{end}}", "[PATH=/bin]"],
    ["{{with .Config.User}}{{.}}{{else}}root{{end}}", "root"],
  ])("%s", (format, expected) => {
    expect(render(format)).toBe(expected);
  });
});

describe("compileFormat: table and headers", () => {
  const headerNames = { ID: "IMAGE ID", Repository: "REPOSITORY" };

  it("builds the header row from header names, upper-casing unknown fields", () => {
    const format = compileFormat("table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{json .Size}}\\t{{upper .Config.User}}");
    expect(format.isTable).toBe(true);
    expect(format.headers(headerNames)).toBe("REPOSITORY\tTAG\tIMAGE ID\tSIZE\tCONFIG.USER");
    expect(format.render(image)).toBe("busybox\tlatest\ta416a98b71e2\t4260000\t");
  });

  it("renders all records aligned under the header, or one line each without table", () => {
    const other = { ...image, Repository: "localhost:5000/team/app", Tag: "v1" };
    expect(compileFormat("table {{.Repository}}\\t{{.Tag}}").renderAll([image, other], headerNames)).toBe(
      "REPOSITORY                TAG\nbusybox                   latest\nlocalhost:5000/team/app   v1\n",
    );
    expect(compileFormat("table {{.ID}}").renderAll([], headerNames)).toBe("IMAGE ID\n");
    expect(compileFormat("{{.Tag}}").renderAll([image, other])).toBe("latest\nv1\n");
    expect(compileFormat("table").isTable).toBe(true);
  });

  it("takes json to mean {{json .}}", () => {
    expect(render("json", { a: 1, b: ["x"] })).toBe('{"a":1,"b":["x"]}');
  });
});

describe("compileFormat: missing fields", () => {
  it("fails on an unknown field by default, like docker's list formatters", () => {
    expectTemplateError(() => render("{{.Nope}}"), 'template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type map[string]interface {}');
  });

  it("prints <no value> for a missing key in no-value mode (inspect)", () => {
    expect(render("{{.Config.Nope}}|{{.Labels.x}}", image, { missingFields: "no-value" })).toBe("<no value>|<no value>");
    expectTemplateError(
      () => render("{{.Nope.Deeper}}", image, { missingFields: "no-value" }),
      'template parsing error: template: :1:2: executing "" at <.Nope.Deeper>: nil pointer evaluating interface {}.Deeper',
    );
  });
});

describe("compileFormat: syntax errors", () => {
  it.each([
    ["{{.ID", "template parsing error: template: :1: unclosed action"],
    ["{{foo .ID}}", 'template parsing error: template: :1: function "foo" not defined'],
    ["{{if .ID}}x", "template parsing error: template: :1: unexpected EOF"],
    ["{{end}}", "template parsing error: template: :1: unexpected {{end}}"],
    ["{{}}", "template parsing error: template: :1: missing value for command"],
    ["{{.ID ]}}", 'template parsing error: template: :1: unexpected "]" in command'],
    ["{{$x}}", 'template parsing error: template: :1: undefined variable "$x"'],
    ["{{if $y := .ID}}{{end}}{{$y}}", 'template parsing error: template: :1: undefined variable "$y"'],
  ])("%s", (format, message) => {
    expectTemplateError(() => compileFormat(format).render(image), message);
  });

  it("reports wrong argument counts and bad calls when rendering", () => {
    expectTemplateError(() => render("{{join .Names}}"), 'template parsing error: template: :1:2: executing "" at <join .Names>: wrong number of args for join: want 2 got 1');
    expectTemplateError(() => render("{{index .Names 5}}"), 'template parsing error: template: :1:2: executing "" at <index .Names 5>: error calling index: index out of range: 5');
    expectTemplateError(() => render("{{range .Tag}}{{end}}"), "template parsing error: template: :1:8: executing \"\" at <.Tag>: range can't iterate over latest");
  });
});
