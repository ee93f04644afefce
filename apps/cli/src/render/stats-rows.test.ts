import type { ContainerStatsEntry } from "@berth/core";
import { describe, expect, it } from "vitest";
import { renderRows } from "../output.js";
import { buildStatsRows, defaultStatsTableFormat, statsHeaderNames } from "./stats-rows.js";

const entry: ContainerStatsEntry = {
  id: "c".repeat(64),
  name: "web",
  isRunning: true,
  cpuPercent: 12.345,
  memoryUsage: 1572864,
  memoryLimit: 67108864,
  memoryPercent: 2.34375,
  netRx: 1500,
  netTx: 648,
  blockRead: 4096,
  blockWrite: 0,
  pids: 3,
};

describe("stats rows", () => {
  it("formats like docker: two decimals, binary memory units, decimal I/O units", () => {
    expect(buildStatsRows([entry], { isTruncated: true })).toEqual([{
      Container: "cccccccccccc", ID: "cccccccccccc", Name: "web", CPUPerc: "12.35%", MemUsage: "1.5MiB / 64MiB",
      MemPerc: "2.34%", NetIO: "1.5kB / 648B", BlockIO: "4.1kB / 0B", PIDs: "3",
    }]);
    expect(buildStatsRows([entry], { isTruncated: false, asGiven: ["web"] })[0]).toMatchObject({ Container: "web", ID: "c".repeat(64) });
  });

  it("renders docker's default table", () => {
    const text = renderRows(defaultStatsTableFormat, statsHeaderNames, buildStatsRows([entry], { isTruncated: true }));
    expect(text).toBe([
      "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O        BLOCK I/O    PIDS",
      "cccccccccccc   web       12.35%    1.5MiB / 64MiB      2.34%     1.5kB / 648B   4.1kB / 0B   3",
      "",
    ].join("\n"));
  });
});
