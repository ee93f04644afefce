import { describe, expect, it } from "vitest";
import { alignTabs, displayWidth, formatTable } from "./table.js";

describe("formatTable", () => {
  it("pads columns to the widest cell + 3 (min 10) and leaves the last column alone", () => {
    const text = formatTable(
      ["REPOSITORY", "TAG", "IMAGE ID", "SIZE"],
      [
        ["busybox", "latest", "a416a98b71e2", "4.26MB"],
        ["localhost:5000/team/app", "v1", "0123456789ab", "13.5MB"],
      ],
    );
    expect(text).toBe(
      [
        "REPOSITORY                TAG       IMAGE ID       SIZE",
        "busybox                   latest    a416a98b71e2   4.26MB",
        "localhost:5000/team/app   v1        0123456789ab   13.5MB",
        "",
      ].join("\n"),
    );
  });

  it("prints the header alone when there are no rows", () => {
    expect(formatTable(["ID", "NAME"], [])).toBe("ID        NAME\n");
  });
});

describe("alignTabs (tabwriter)", () => {
  it("starts a new column block after a line without that column", () => {
    expect(alignTabs("a\tb\nlonger-cell-here\tc\nplain\nx\ty\n")).toBe(
      [`${"a".padEnd(19)}b`, "longer-cell-here   c", "plain", `${"x".padEnd(10)}y`, ""].join("\n"),
    );
  });

  it("pads empty cells and keeps a trailing partial line", () => {
    expect(alignTabs("\tb\nc\t")).toBe("          b\nc         ");
  });

  it("counts wide characters twice", () => {
    expect(displayWidth("日本")).toBe(4);
    expect(displayWidth("e\u0301")).toBe(1);
    expect(alignTabs("日本語日本語\tx\n")).toBe("日本語日本語   x\n");
  });
});
